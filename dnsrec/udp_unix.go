//go:build unix

package dnsrec

import (
	"os"
	"syscall"
)

// sendRecv writes one datagram and reads the first datagram that comes
// back, in two system calls. Through the socket's raw connection the write
// happens after the runtime has armed its wait for the socket to become
// readable, so the read waits for the reply instead of first trying
// (net.Conn.Read's way, one read that fails with EAGAIN for every question:
// a third of the client's system calls on a reused socket). Deadlines set
// on the socket apply as to Read.
func (u *udpSocket) sendRecv(wire []byte) (int, error) {
	if u.raw == nil {
		rc, err := u.conn.SyscallConn()
		if err != nil {
			return 0, err
		}
		u.raw = rc
	}
	var n int
	var opErr error
	sent := false
	err := u.raw.Read(func(fd uintptr) bool {
		if !sent {
			sent = true
			if _, opErr = writeFD(int(fd), wire); opErr != nil {
				opErr = os.NewSyscallError("write", opErr)
				return true
			}
			return false // wait until readable
		}
		n, opErr = readFD(int(fd), u.buf)
		if opErr == syscall.EAGAIN {
			return false // woken with nothing to read: wait again
		}
		if opErr != nil {
			opErr = os.NewSyscallError("read", opErr)
		}
		return true
	})
	if err != nil {
		return 0, err
	}
	return n, opErr
}

// recv reads the next datagram.
func (u *udpSocket) recv() (int, error) { return u.conn.Read(u.buf) }

func writeFD(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Write(fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

func readFD(fd int, b []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, b)
		if err != syscall.EINTR {
			return n, err
		}
	}
}
