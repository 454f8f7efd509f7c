package store

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/spf"
)

// MaxClassified bounds the sources [EvidenceOptions.Classify] is asked
// about in one evidence: the ones sending the most failing mail.
const MaxClassified = 200

// Classifier says what a source address is to a domain, asking DNS: the
// kind (feedback.SourceService when the domain's own SPF record authorizes
// it; "" when it cannot tell) and its reverse name. An error is a failure
// to ask (the evidence is then unknown, and no stage is proposed).
type Classifier func(ctx context.Context, domain string, ip netip.Addr) (kind feedback.SourceKind, host string, err error)

// SPFClassifier classifies by DNS through r: a source the domain's SPF
// record passes is a service the domain declared; its reverse name is its
// forward-confirmed one ([LookupName]). A temporary DNS failure is an
// error.
func SPFClassifier(r dnsrec.Resolver) Classifier {
	return func(ctx context.Context, domain string, ip netip.Addr) (feedback.SourceKind, string, error) {
		var kind feedback.SourceKind
		res := (&spf.Checker{Resolver: r}).CheckHost(ctx, ip, domain, "postmaster@"+domain, domain)
		switch res.Status {
		case spf.StatusPass:
			kind = feedback.SourceService
		case spf.StatusTempError:
			return "", "", fmt.Errorf("store: the SPF record of %s, for %s: %s", domain, ip, res.Status)
		}
		n := LookupName(ctx, r, ip)
		if n.Result == NameTempError {
			return "", "", fmt.Errorf("store: the reverse name of %s: %w", ip, n.err)
		}
		return kind, n.Name, nil
	}
}
