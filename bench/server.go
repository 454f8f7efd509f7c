package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/domainauth/domainauth/dnsrec/dnstest"
)

// allZones is every zone the benchmark asks about, in one.
func allZones() zone {
	z := providerZone()
	for d := 1; d <= 3; d++ {
		dz, _ := depthZone(d)
		z = append(z, dz...)
	}
	return z
}

// serveZones is the child process: it serves allZones on loopback, prints
// the address, answers "count" on stdin with the number of questions seen,
// and exits when stdin closes.
func serveZones(delay time.Duration, in io.Reader, out, errw io.Writer) int {
	z, err := dnstest.NewZone(allZones().text())
	if err != nil {
		fmt.Fprintln(errw, "bench:", err)
		return 2
	}
	z.KeepQueries(0) // nobody reads the log; Served counts the questions
	srv, err := dnstest.ServeDelayed(z, delay)
	if err != nil {
		fmt.Fprintln(errw, "bench:", err)
		return 2
	}
	defer srv.Close()
	fmt.Fprintln(out, srv.Addr)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		udp, tcp := srv.Served()
		fmt.Fprintln(out, udp+tcp)
	}
	return 0
}

// server is a child process serving the zones.
type server struct {
	cmd  *exec.Cmd
	addr string
	in   io.WriteCloser
	out  *bufio.Reader
}

func startServer(delay time.Duration) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve", "-delay", delay.String())
	cmd.Stderr = os.Stderr
	// One thread for the server, as a single-threaded DNS server would
	// have: on two cores, two Go schedulers spinning for work take CPU
	// from each other.
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, in: in, out: bufio.NewReader(outp)}
	line, err := s.out.ReadString('\n')
	if err != nil {
		s.close()
		return nil, fmt.Errorf("the DNS server did not start: %w", err)
	}
	s.addr = strings.TrimSpace(line)
	return s, nil
}

// served is the number of questions the server has seen.
func (s *server) served() (int, error) {
	if _, err := io.WriteString(s.in, "count\n"); err != nil {
		return 0, err
	}
	line, err := s.out.ReadString('\n')
	if err != nil {
		return 0, err
	}
	var n int
	_, err = fmt.Sscan(line, &n)
	return n, err
}

func (s *server) close() {
	s.in.Close()
	_ = s.cmd.Wait()
}
