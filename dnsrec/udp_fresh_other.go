//go:build !linux

package dnsrec

import (
	"context"
	"time"

	"github.com/miekg/dns"
)

// exchangeFresh is Linux's (udp_fresh_linux.go); elsewhere a question on a
// socket of its own goes through the network poller like any other.
func (p *socketPool) exchangeFresh(context.Context, *server, string, uint16, uint16, time.Duration) (*dns.Msg, bool, error) {
	return nil, false, nil
}
