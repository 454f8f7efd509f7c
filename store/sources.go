package store

import (
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
)

// VendorSources classifies report rows for [Ingester.Sources] by the
// vendor's profile: an address of one of its servers, or in its
// addresses, is the vendor's (named by the server's HELO name); any other
// is classified by the report alone ([KindOf]). It asks no DNS.
func VendorSources(p *domaincheck.Profile) func(domain string, row feedback.ReportRow) (feedback.SourceKind, string) {
	return func(_ string, row feedback.ReportRow) (feedback.SourceKind, string) {
		for _, s := range p.Servers {
			if s.Address == row.SourceIP {
				return feedback.SourceVendor, s.HELO
			}
		}
		for _, a := range p.Addresses {
			if a.Contains(row.SourceIP) {
				return feedback.SourceVendor, ""
			}
		}
		return KindOf(row), ""
	}
}
