//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// fastServer answers UDP questions on loopback from replies it has seen
// once: the first time a question arrives (its bytes after the ID: flags,
// counts, question, EDNS0 record), it is asked of the zone's own server
// (dnstest, in this process), and the reply is kept; every later question
// with the same bytes gets that reply with its own ID, in one recvfrom and
// one sendto on a blocking socket, with no parsing and no allocation. The
// zones do not change, so the replies are the zone server's, byte for
// byte; what changes is what an answer costs the server, so that the
// benchmark measures the clients rather than the server (the peers
// harness's zone server replays its replies the same way).
//
// It reads with several sockets bound to one port (SO_REUSEPORT), one
// thread each: the kernel spreads the clients' source ports over them, so
// the questions of a concurrent check can be answered on both cores at
// once. TCP (for truncated answers, which these zones do not have) goes to
// the zone's server through a proxy on the same port.
type fastServer struct {
	addr   string
	origin string // the zone's own server, "127.0.0.1:port"
	fds    []int
	tcp    net.Listener

	mu      sync.RWMutex
	replies map[string][]byte // question bytes after the ID → reply

	seen atomic.Int64 // questions received over UDP and TCP
}

// startFastServer starts a fast server in front of the zone's server at
// origin, reading its port with the given number of sockets.
func startFastServer(origin string, sockets int) (*fastServer, error) {
	s := &fastServer{origin: origin, replies: make(map[string][]byte)}
	var lastErr error
	for try := 0; try < 10; try++ {
		err := s.bind(max(sockets, 1))
		if err == nil {
			for _, fd := range s.fds {
				go s.serveUDP(fd)
			}
			go s.serveTCP()
			return s, nil
		}
		lastErr = err
		s.close()
	}
	return nil, fmt.Errorf("fast server: %w", lastErr)
}

// bind opens the sockets on a free port, UDP and TCP alike.
func (s *fastServer) bind(sockets int) error {
	s.fds = nil
	port := 0
	for i := 0; i < sockets; i++ {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		s.fds = append(s.fds, fd)
		if err := syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, 0xf /* SO_REUSEPORT */, 1); err != nil {
			return err
		}
		if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
			return err
		}
		if port == 0 {
			sa, err := syscall.Getsockname(fd)
			if err != nil {
				return err
			}
			port = sa.(*syscall.SockaddrInet4).Port
		}
	}
	s.addr = fmt.Sprintf("127.0.0.1:%d", port)
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.tcp = ln
	return nil
}

func (s *fastServer) close() {
	for _, fd := range s.fds {
		syscall.Close(fd)
	}
	s.fds = nil
	if s.tcp != nil {
		s.tcp.Close()
		s.tcp = nil
	}
}

// served is the number of questions received.
func (s *fastServer) served() int { return int(s.seen.Load()) }

// serveUDP answers the questions arriving on one socket, blocking in
// recvfrom: the kernel wakes this thread directly when a datagram arrives.
func (s *fastServer) serveUDP(fd int) {
	buf := make([]byte, 65536)
	out := make([]byte, 65536)
	var origin *net.UDPConn // this thread's socket to the zone's server
	for {
		n, from, err := syscall.Recvfrom(fd, buf, 0)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			return
		}
		if n < 12 || buf[2]&0x80 != 0 { // too short, or a reply
			continue
		}
		s.seen.Add(1)
		s.mu.RLock()
		reply, ok := s.replies[string(buf[2:n])] // no allocation: a map lookup by []byte
		s.mu.RUnlock()
		if !ok {
			if origin == nil {
				if origin, err = dialOrigin(s.origin); err != nil {
					continue
				}
			}
			if reply, err = askOrigin(origin, buf[:n]); err != nil {
				continue
			}
			s.mu.Lock()
			s.replies[string(buf[2:n])] = reply
			s.mu.Unlock()
		}
		m := copy(out, reply)
		out[0], out[1] = buf[0], buf[1]
		for {
			if err := syscall.Sendto(fd, out[:m], 0, from); err != syscall.EINTR {
				break
			}
		}
	}
}

func dialOrigin(addr string) (*net.UDPConn, error) {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil {
		return nil, err
	}
	return net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ap))
}

// askOrigin asks the zone's server a question and returns its reply.
func askOrigin(c *net.UDPConn, q []byte) ([]byte, error) {
	if _, err := c.Write(q); err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(time.Now().Add(time.Second))
	b := make([]byte, 65536)
	for {
		n, err := c.Read(b)
		if err != nil {
			return nil, err
		}
		if n >= 12 && b[0] == q[0] && b[1] == q[1] {
			return append([]byte(nil), b[:n]...), nil
		}
	}
}

// serveTCP passes TCP connections to the zone's server.
func (s *fastServer) serveTCP() {
	for {
		c, err := s.tcp.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		go s.proxyTCP(c)
	}
}

// proxyTCP copies one connection to the zone's server and back, counting
// the questions (each a 2-byte length and a message).
func (s *fastServer) proxyTCP(c net.Conn) {
	defer c.Close()
	o, err := net.Dial("tcp", s.origin)
	if err != nil {
		return
	}
	defer o.Close()
	go func() {
		b := make([]byte, 65536)
		for {
			n, err := o.Read(b)
			if n > 0 {
				if _, werr := c.Write(b[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				c.Close()
				return
			}
		}
	}()
	var lenBuf [2]byte
	for {
		if _, err := readFull(c, lenBuf[:]); err != nil {
			return
		}
		msg := make([]byte, int(lenBuf[0])<<8|int(lenBuf[1]))
		if _, err := readFull(c, msg); err != nil {
			return
		}
		s.seen.Add(1)
		if _, err := o.Write(append(lenBuf[:], msg...)); err != nil {
			return
		}
	}
}

func readFull(c net.Conn, b []byte) (int, error) {
	got := 0
	for got < len(b) {
		n, err := c.Read(b[got:])
		got += n
		if err != nil {
			return got, err
		}
	}
	return got, nil
}
