package dnsrec

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"github.com/miekg/dns"
)

// A question on a socket of its own ([SocketReuseNever]), on Linux, the
// way a C resolver asks it (glibc's res_send): a blocking socket, connected
// to the server, that the goroutine waits on in the kernel until the reply
// or the timeout (SO_RCVTIMEO), and closes after one question. Through
// the runtime's network poller the same question also registered the
// socket with epoll and removed it again, parked the goroutine and woke it,
// and the socket's opening went through the net package (five more system
// calls and nine allocations): about a third of what a question on a new
// socket cost. The thread waits in the kernel as a cgo DNS lookup does; the
// runtime hands its P to other goroutines while it waits.
//
// What RFC 5452 asks is unchanged: the kernel binds the socket to a random
// ephemeral port when it connects it, the ID is random, and a connected
// socket receives only the server's datagrams. A ctx that ends while the
// question is in flight shuts the socket down, which wakes the wait at
// once.

// exchangeFresh asks one question on a new blocking socket. ok is false
// when it cannot (the server's address is a name, or has an IPv6 zone):
// the caller then asks through the network poller.
func (p *socketPool) exchangeFresh(ctx context.Context, s *server, qname string, qtype, size uint16, timeout time.Duration) (m *dns.Msg, ok bool, err error) {
	var sa [28]byte // a sockaddr_in or sockaddr_in6
	family, salen := 0, 0
	switch ua := s.udp; {
	case ua == nil || ua.Zone != "":
		return nil, false, nil
	case ua.IP.To4() != nil:
		family, salen = syscall.AF_INET, syscall.SizeofSockaddrInet4
		rsa := (*syscall.RawSockaddrInet4)(unsafe.Pointer(&sa[0]))
		rsa.Family = syscall.AF_INET
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&rsa.Port))[:], uint16(ua.Port))
		copy(rsa.Addr[:], ua.IP.To4())
	case len(ua.IP) == 16:
		family, salen = syscall.AF_INET6, syscall.SizeofSockaddrInet6
		rsa := (*syscall.RawSockaddrInet6)(unsafe.Pointer(&sa[0]))
		rsa.Family = syscall.AF_INET6
		binary.BigEndian.PutUint16((*[2]byte)(unsafe.Pointer(&rsa.Port))[:], uint16(ua.Port))
		copy(rsa.Addr[:], ua.IP)
	default:
		return nil, false, nil
	}
	u, _ := p.spare.Get().(*udpSocket)
	if u == nil {
		u = &udpSocket{}
	}
	defer p.spare.Put(u)
	if len(u.buf) != int(size)+1 {
		u.buf = make([]byte, int(size)+1)
	}
	id := randomUint16()
	wire, err := packQuery(u.wbuf[:], id, qname, qtype, size)
	if err != nil {
		return nil, true, err
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}

	// Opening, connecting and closing a UDP socket never block: raw
	// system calls (see rawio_linux.go for why).
	r0, _, e := syscall.RawSyscall(syscall.SYS_SOCKET, uintptr(family), syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if e != 0 {
		return nil, true, os.NewSyscallError("socket", e)
	}
	fd := int(r0)
	f := &freshSocket{fd: fd}
	defer f.close()
	if _, _, e := syscall.RawSyscall(syscall.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa[0])), uintptr(salen)); e != 0 {
		return nil, true, os.NewSyscallError("connect", e)
	}
	if err := f.setTimeout(deadline); err != nil {
		return nil, true, err
	}
	if _, _, e := syscall.RawSyscall6(syscall.SYS_SENDTO, uintptr(fd), uintptr(unsafe.Pointer(&wire[0])), uintptr(len(wire)), syscall.MSG_DONTWAIT, 0, 0); e != 0 {
		return nil, true, os.NewSyscallError("write", e)
	}
	stop := func() bool { return true }
	if ctx.Done() != nil {
		stop = context.AfterFunc(ctx, f.shutdown)
	}
	defer stop()
	for {
		n, err := syscall.Read(fd, u.buf) // blocks in the kernel
		switch {
		case err == syscall.EINTR:
			continue
		case err == syscall.EAGAIN:
			if cerr := ctx.Err(); cerr != nil {
				return nil, true, cerr
			}
			if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
				return nil, true, context.DeadlineExceeded
			}
			return nil, true, os.ErrDeadlineExceeded
		case err != nil:
			return nil, true, os.NewSyscallError("read", err)
		case n == 0 && ctx.Err() != nil: // shut down by the ctx's end
			return nil, true, ctx.Err()
		}
		msg := u.buf[:n]
		if n < 12 || binary.BigEndian.Uint16(msg) != id || msg[2]&0x80 == 0 {
			// Not the reply to this question: keep waiting, until
			// the deadline, not a whole timeout more.
			if err := f.setTimeout(deadline); err != nil {
				return nil, true, err
			}
			continue
		}
		if n == len(u.buf) { // cut short by the buffer: do not parse a part
			return nil, true, errTooLarge
		}
		m := new(dns.Msg)
		if err := m.Unpack(msg); err != nil {
			return nil, true, fmt.Errorf("unreadable reply: %w", err)
		}
		return m, true, nil
	}
}

// freshSocket is the descriptor of a question's own socket, which a ctx's
// end may shut down from another goroutine until it is closed.
type freshSocket struct {
	mu     sync.Mutex
	fd     int
	closed bool
}

// shutdown wakes a read waiting on the socket: it returns 0 bytes.
func (f *freshSocket) shutdown() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		syscall.RawSyscall(syscall.SYS_SHUTDOWN, uintptr(f.fd), syscall.SHUT_RD, 0)
	}
}

// close closes the socket; a shutdown after it does nothing (the
// descriptor's number may already be another file's).
func (f *freshSocket) close() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	syscall.RawSyscall(syscall.SYS_CLOSE, uintptr(f.fd), 0, 0)
}

// setTimeout makes a read give up (EAGAIN) at deadline.
func (f *freshSocket) setTimeout(deadline time.Time) error {
	left := time.Until(deadline)
	if left < time.Microsecond {
		left = time.Microsecond // 0 would mean no timeout
	}
	tv := syscall.NsecToTimeval(left.Nanoseconds())
	if _, _, e := syscall.RawSyscall6(syscall.SYS_SETSOCKOPT, uintptr(f.fd), syscall.SOL_SOCKET, syscall.SO_RCVTIMEO, uintptr(unsafe.Pointer(&tv)), unsafe.Sizeof(tv), 0); e != 0 {
		return os.NewSyscallError("setsockopt", e)
	}
	return nil
}
