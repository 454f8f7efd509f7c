package sender

import (
	"context"
	"fmt"
)

// Verifier decides whether a domain's DNS really authorizes the vendor, so
// that a domain not on the policy's list may still be used as typed (see
// Config.DNS). The domaincheck package's Verifier is the implementation: it
// gives the same verdict as its domain check, for the same vendor profile.
// A Verifier must be safe for concurrent use.
type Verifier interface {
	Verify(ctx context.Context, domain string) *Verification
}

// Verification is what the DNS of a domain says about the vendor.
type Verification struct {
	Domain     string
	Authorized bool // DMARC passes for the vendor's mail, with alignment, and SPF does not fail on the customer's envelope
	SPF        bool // SPF passes, for every server, for the envelope domain, and authorizes no one else
	DKIM       bool // the vendor's DKIM keys are published or delegated correctly
	DMARC      bool // DMARC passes
	// Details say why each check passed or failed.
	SPFDetail, DKIMDetail, DMARCDetail string
	Err                                error // a temporary DNS failure, or the Verifier is not configured
}

// Summary says which checks passed, for the preview.
func (a *Verification) Summary() string {
	mark := func(ok bool) string {
		if ok {
			return "passed"
		}
		return "failed"
	}
	s := fmt.Sprintf("SPF %s, DKIM %s, DMARC %s", mark(a.SPF), mark(a.DKIM), mark(a.DMARC))
	if a.Err != nil {
		s += fmt.Sprintf("; %v", a.Err)
	}
	return s
}
