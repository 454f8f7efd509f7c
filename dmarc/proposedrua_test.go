package dmarc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/plan"
)

// A recommendation that adds the vendor's report address, on a domain that
// has not yet authorized reports for the customer, says what the vendor
// must publish; it never claims that reports already go there. A
// destination the published record names, unauthorized, is still
// reported as it is.
func TestProposedReportAddressIsNotPublished(t *testing.T) {
	z := dnstest.MustZone(`
_dmarc.own.example.      IN TXT "v=DMARC1; p=none; rua=mailto:own@own.example"
_dmarc.external.example. IN TXT "v=DMARC1; p=none; rua=mailto:reports@analytics.example"
`)
	settings := dmarc.Settings{Reports: []string{"dmarc@vendor.example"}}
	for _, tc := range []struct {
		domain   string
		external []string // destinations dmarc-external-rua names
	}{
		{"own.example", nil},
		{"new.example", nil},
		{"external.example", []string{"analytics.example"}},
	} {
		t.Run(tc.domain, func(t *testing.T) {
			pl, err := plan.Check(context.Background(), z, dmarc.Recommend{Domain: tc.domain, Settings: settings})
			if err != nil {
				t.Fatal(err)
			}
			fs := pl.AllFindings()
			checkParams(t, fs)
			var external []string
			toAuthorize := false
			for _, f := range fs {
				switch f.Code {
				case dmarc.CodeExternalRUA:
					external = append(external, f.Params["destination"])
				case dmarc.CodeRUAToAuthorize:
					toAuthorize = true
					if f.Params["destination"] != "vendor.example" || f.Severity == plan.SeverityError ||
						!strings.Contains(f.Message, "the proposed record adds reports to vendor.example") || !strings.Contains(f.Fix, tc.domain+"._report._dmarc.vendor.example") {
						t.Errorf("%s", f)
					}
				}
			}
			if strings.Join(external, ",") != strings.Join(tc.external, ",") {
				t.Errorf("dmarc-external-rua for %q, want %q: %v", external, tc.external, fs)
			}
			if !toAuthorize {
				t.Errorf("no finding says the vendor's address must be authorized: %v", fs)
			}
			vendorChange := false
			for _, c := range pl.Changes {
				vendorChange = vendorChange || (c.Name == tc.domain+"._report._dmarc.vendor.example." && c.Party == plan.PartyVendor)
			}
			if !vendorChange {
				t.Errorf("the vendor's change is gone:\n%s", pl.Changes.Text())
			}
		})
	}
}
