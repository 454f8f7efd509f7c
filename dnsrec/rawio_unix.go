//go:build unix && !linux

package dnsrec

import "syscall"

// writeFD and readFD write and read one datagram on a non-blocking socket
// (see rawio_linux.go for why Linux's are raw system calls).

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
