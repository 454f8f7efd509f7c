package dnsrec

import (
	"syscall"
	"unsafe"
)

// writeFD and readFD write and read one datagram on a non-blocking socket
// with a raw system call, one that does not tell the Go scheduler it is
// entering a system call. Such a call cannot block (the socket is
// non-blocking: a read with nothing to read fails with EAGAIN at once),
// so the scheduler has nothing to do for it, and telling it costs much: a
// client waiting for an answer leaves every P idle, the runtime's monitor
// thread (sysmon) goes to sleep, and the next system call entered the
// ordinary way wakes it again. Over loopback that was one wake-up of
// another thread, a sleep and a futex wait per question, about a sixth of
// the client's CPU.

func writeFD(fd int, b []byte) (int, error) {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		if e == 0 {
			return int(n), nil
		}
		if e != syscall.EINTR {
			return 0, e
		}
	}
}

func readFD(fd int, b []byte) (int, error) {
	for {
		n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
		if e == 0 {
			return int(n), nil
		}
		if e != syscall.EINTR {
			return 0, e
		}
	}
}
