package apitest

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/spf"
)

// blackHole is a DNS server on loopback that reads every question and
// never answers.
func blackHole(t *testing.T) *dnsrec.Client {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
		}
	}()
	return &dnsrec.Client{Servers: []string{pc.LocalAddr().String()}}
}

// TestBlackHoleDeadline: against a server that never answers, every check
// returns once its 2-second deadline passes, with a temporary failure (or
// "could not check"), never a verdict and never a hang.
func TestBlackHoleDeadline(t *testing.T) {
	r := blackHole(t)
	ip := netip.MustParseAddr("192.0.2.1")
	profile, err := domaincheck.ParseProfile([]byte(`{"name": "Example CRM", "spf": "include:spf.vendor.example", "servers": [{"address": "192.0.2.1",
		"helo": "smtp.vendor.example"}], "dkim": [{"selector": "default", "target": "default._domainkey.vendor.example"}], "dmarc": {"minimum": "none"}}`))
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]func(ctx context.Context) error{
		"spf.CheckHost": func(ctx context.Context) error {
			res := (&spf.Checker{Resolver: r}).CheckHost(ctx, ip, "customer.example", "a@customer.example", "h.example")
			if res.Status != spf.StatusTempError {
				return errors.New("status " + string(res.Status))
			}
			return res.Err
		},
		"spf.Authorize": func(ctx context.Context) error {
			_, err := spf.Authorize{Domain: "customer.example", Term: "mx"}.Check(ctx, r)
			return err
		},
		"dkim.KeyCheck": func(ctx context.Context) error {
			_, err := dkim.KeyCheck{Domain: "customer.example", Selector: "s"}.Check(ctx, r)
			return err
		},
		"dmarc.Discover": func(ctx context.Context) error {
			_, err := dmarc.Discover(ctx, r, "customer.example")
			return err
		},
		"plan.Check": func(ctx context.Context) error {
			_, err := plan.Check(ctx, r, profile.Requirements("customer.example", domaincheck.Evidence{})...)
			return err
		},
		"domaincheck.Checker": func(ctx context.Context) error {
			rep := (&domaincheck.Checker{Profile: profile, Resolver: r}).Check(ctx, "customer.example")
			for _, a := range rep.Areas {
				if a.Status != domaincheck.StatusNotChecked {
					return errors.New(string(a.Name) + " is " + string(a.Status))
				}
			}
			return &dnsrec.Error{Err: dnsrec.ErrTimeout}
		},
	}
	for name, check := range checks {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			start := time.Now()
			err := check(ctx)
			// A hang, not a speed: a check that is still running long
			// after its deadline ignores ctx.
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("returned after %s with a 2 s deadline", took.Round(time.Millisecond))
			}
			if !errors.Is(err, dnsrec.ErrTemporary) {
				t.Errorf("err = %v, want a temporary DNS failure", err)
			}
		})
	}
}
