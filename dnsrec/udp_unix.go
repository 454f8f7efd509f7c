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
	if u.step == nil {
		u.step = u.sendRecvStep
	}
	u.wire, u.sent, u.n, u.opErr = wire, false, 0, nil
	if err := u.raw.Read(u.step); err != nil {
		return 0, err
	}
	return u.n, u.opErr
}

// sendRecvStep is sendRecv's callback: the first call writes, the others
// read.
func (u *udpSocket) sendRecvStep(fd uintptr) bool {
	if !u.sent {
		u.sent = true
		if _, err := writeFD(int(fd), u.wire); err != nil {
			u.opErr = os.NewSyscallError("write", err)
			return true
		}
		return false // wait until readable
	}
	n, err := readFD(int(fd), u.buf)
	if err == syscall.EAGAIN {
		return false // woken with nothing to read: wait again
	}
	u.n = n
	if err != nil {
		u.opErr = os.NewSyscallError("read", err)
	}
	return true
}

// recv reads the next datagram.
func (u *udpSocket) recv() (int, error) { return u.conn.Read(u.buf) }
