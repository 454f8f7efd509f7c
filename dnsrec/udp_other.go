//go:build !unix

package dnsrec

// sendRecv writes one datagram and reads the first datagram that comes
// back.
func (u *udpSocket) sendRecv(wire []byte) (int, error) {
	if _, err := u.conn.Write(wire); err != nil {
		return 0, err
	}
	return u.recv()
}

// recv reads the next datagram.
func (u *udpSocket) recv() (int, error) { return u.conn.Read(u.buf) }
