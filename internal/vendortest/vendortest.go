// Package vendortest is the vendor the module's tests send as: the
// mechanism customers add to their SPF records, the address its servers
// send from, its HELO name, its DKIM key and its report address, and the
// zone lines that publish them. One fixture, so that a test of one package
// and a test of another speak of the same vendor.
package vendortest

const (
	// Include is the mechanism that authorizes the vendor.
	Include = "include:spf.vendor.example"
	// SendingIP is the address the vendor's server sends from.
	SendingIP = "5.255.64.53"
	// HELO is the name the vendor's server greets with.
	HELO = "smtp1.vendor.example"
	// DKIMTarget is the vendor's key record, the target of a customer's
	// selector CNAME.
	DKIMTarget = "default._domainkey.vendor.example"
	// Reports is the vendor's aggregate report address.
	Reports = "dmarc@vendor.example"

	// SPF publishes the record Include names.
	SPF = `spf.vendor.example. IN TXT "v=spf1 ip4:5.255.64.53 -all"` + "\n"
	// DKIM publishes the vendor's Ed25519 key at DKIMTarget (the key of
	// RFC 8463, Appendix A).
	DKIM = `default._domainkey.vendor.example. IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="` + "\n"
	// Zone is the vendor's authentication records: SPF and DKIM.
	Zone = SPF + DKIM
)
