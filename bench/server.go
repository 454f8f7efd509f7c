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
// and exits when stdin closes. Without a delay (and without plain), the
// questions go to a fastServer in front of the zone's server, which
// replays the zone server's replies; with a delay, every reply is held back
// on its own timer by the zone's server itself.
func serveZones(delay time.Duration, plain bool, sockets int, in io.Reader, out, errw io.Writer) int {
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
	addr, count := srv.Addr, func() int { udp, tcp := srv.Served(); return udp + tcp }
	if delay == 0 && !plain {
		if fast, err := startFastServer(srv.Addr, sockets); err != nil {
			fmt.Fprintln(errw, "bench: the zone's server answers every question:", err)
		} else {
			addr, count = fast.addr, fast.served
		}
	}
	fmt.Fprintln(out, addr)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fmt.Fprintln(out, count())
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

// startServer starts the DNS server process: the fast server in front of
// the zone's (dnstest) server, reading with the given number of sockets,
// or with plain or a delay the zone's server alone.
func startServer(delay time.Duration, plain bool, sockets int) (*server, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve", "-delay", delay.String(), fmt.Sprintf("-plain-server=%v", plain), fmt.Sprintf("-server-sockets=%d", sockets))
	cmd.Stderr = os.Stderr
	// The zone's server has one thread, as a single-threaded DNS server
	// would have: on two cores, two Go schedulers spinning for work take
	// CPU from each other. The fast server's threads block in recvfrom,
	// one per socket, and spin for nothing; one P more than its sockets
	// keeps the runtime's monitor from taking Ps back from the blocked
	// threads (and so polling every 20 µs).
	procs := "GOMAXPROCS=1"
	if delay == 0 && !plain {
		procs = fmt.Sprintf("GOMAXPROCS=%d", sockets+1)
	}
	cmd.Env = append(os.Environ(), procs)
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

// cpu is the CPU the server process has used, user and system.
func (s *server) cpu() time.Duration { return processCPU(s.cmd.Process.Pid) }

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
