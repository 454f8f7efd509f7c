package dnsrec_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dnsrec"
)

// silentServer is a UDP socket on loopback that reads questions and never
// answers; it reports each question's arrival on the channel.
func silentServer(t *testing.T) (addr string, asked <-chan struct{}) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	ch := make(chan struct{}, 16)
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return pc.LocalAddr().String(), ch
}

// Under every socket policy, a question to a server that never answers
// ends when the caller's ctx is cancelled, however long the client's own
// timeout, and its error says why; SocketReuseNever waits in the kernel on
// Linux (a blocking socket), which the cancellation must wake.
func TestCancelWakesWaitingQuestion(t *testing.T) {
	for _, reuse := range []dnsrec.SocketReuse{dnsrec.SocketReuseNever, dnsrec.SocketReusePool, dnsrec.SocketReuseAlways} {
		t.Run("policy "+string(reuse), func(t *testing.T) {
			addr, asked := silentServer(t)
			c := &dnsrec.Client{Servers: []string{addr}, Timeout: time.Hour, Attempts: 1, SocketReuse: reuse}
			defer c.Close()
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				<-asked // the question is in flight
				cancel()
			}()
			_, err := c.Lookup(ctx, "silent.example", dnsrec.TypeTXT)
			if !errors.Is(err, dnsrec.ErrTimeout) || !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want ErrTimeout and context.Canceled", err)
			}
		})
	}
}

// A question nobody answers fails with ErrTimeout after the client's
// Timeout, and after the ctx's deadline when that comes first.
func TestSilentServerTimesOut(t *testing.T) {
	for _, reuse := range []dnsrec.SocketReuse{dnsrec.SocketReuseNever, dnsrec.SocketReusePool} {
		t.Run("policy "+string(reuse), func(t *testing.T) {
			addr, _ := silentServer(t)
			c := &dnsrec.Client{Servers: []string{addr}, Timeout: 50 * time.Millisecond, Attempts: 2, SocketReuse: reuse}
			defer c.Close()
			_, err := c.Lookup(context.Background(), "silent.example", dnsrec.TypeTXT)
			if !errors.Is(err, dnsrec.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("client timeout: err = %v, want ErrTimeout, not the ctx's", err)
			}
			c.Timeout = time.Hour
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err = c.Lookup(ctx, "silent.example", dnsrec.TypeTXT)
			if !errors.Is(err, dnsrec.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("ctx deadline: err = %v, want ErrTimeout and context.DeadlineExceeded", err)
			}
		})
	}
}

// Under SocketReuseNever, replies with a wrong ID arriving first (forged,
// or late replies to other questions) are ignored and the real reply is
// the answer.
func TestFreshSocketIgnoresWrongIDs(t *testing.T) {
	addr, got := rawServer(t, 3)
	c := &dnsrec.Client{Servers: []string{addr}, Timeout: time.Second, Attempts: 1, SocketReuse: dnsrec.SocketReuseNever}
	defer c.Close()
	for i := 0; i < 20; i++ {
		a, err := c.Lookup(context.Background(), "victim.example", dnsrec.TypeA)
		if err != nil {
			t.Fatal(err)
		}
		if !a.NXDomain || len(a.Records) != 0 {
			t.Fatalf("took a forged reply: %+v", a)
		}
	}
	if n := len(got()); n != 20 {
		t.Fatalf("server saw %d questions, want 20", n)
	}
}
