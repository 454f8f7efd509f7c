package domaincheck

import "github.com/domainauth/domainauth/plan"

// Codes of the findings the domain check adds to those of the spf, dkim and
// dmarc packages. The parameters of each are in its findings' Params.
const (
	// The customer domain's delivery set-up: advice, never blocking.
	CodeNoMX         plan.Code = "delivery-no-mx"         // the domain has no MX record: domain
	CodeNullMX       plan.Code = "delivery-null-mx"       // the domain declares it receives no mail (RFC 7505): domain
	CodeMXAddress    plan.Code = "delivery-mx-address"    // an MX record names an address instead of a host: domain, address
	CodeMXUnresolved plan.Code = "delivery-mx-unresolved" // an MX host has no address: domain, host
	CodeMXSkipped    plan.Code = "delivery-mx-skipped"    // more MX hosts than are checked: domain, hosts, checked
	CodeNoDomain     plan.Code = "delivery-no-domain"     // the domain does not exist: domain, zone
	CodeNotDelegated plan.Code = "delivery-not-delegated" // its registrable domain does not exist: domain, zone
	CodeSOAValue     plan.Code = "delivery-soa-value"     // an SOA timer outside RFC 1912's ranges: zone, field, value
	CodeDNSHost      plan.Code = "delivery-dns-host"      // who hosts the domain's DNS: zone, host, servers

	// The vendor's own set-up, checked once: the vendor's to fix.
	CodeNoPTR          plan.Code = "sending-no-ptr"          // a sending address has no PTR record: address, helo
	CodePTRUnconfirmed plan.Code = "sending-ptr-unconfirmed" // the PTR name does not resolve back to the address: address, host
	CodeHELOUnresolved plan.Code = "sending-helo"            // the HELO name does not resolve to its server's address: helo, address
	CodeHELOSPF        plan.Code = "sending-helo-spf"        // SPF for the HELO name does not pass: helo, address, result
	CodeListed         plan.Code = "sending-blocklisted"     // a sending address is on a blocklist the caller named: address, list, answer, reason
	CodeVendorKey      plan.Code = "sending-dkim-key"        // the vendor's key record behind a delegated selector is missing or broken: name, selector
	CodeVendorSPF      plan.Code = "sending-spf"             // the vendor's own SPF record does not pass its servers: domain, address, result

	// SPF evaluated for the vendor's servers at the customer's domain.
	CodeVendorSPFFails  plan.Code = "spf-vendor-fails"        // check_host() does not pass for a server: domain, address, result, fix; ways, vendor, target, includes (of a record at the lookup limit)
	CodeVendorSPFPasses plan.Code = "spf-vendor-passes"       // check_host() passes for a server: domain, address
	CodeSPFEveryone     plan.Code = "spf-authorizes-everyone" // the record passes addresses no one sends from: domain, probe, term
	CodeSPFUnaligned    plan.Code = "spf-unaligned-envelope"  // the vendor's own bounce domain is in MAIL FROM: domain, envelope

	// The verdict.
	CodeDMARCBelowMinimum plan.Code = "dmarc-below-minimum"  // the published policy is below the profile's minimum: domain, policy, minimum
	CodeDMARCNoPolicy     plan.Code = "dmarc-policy-missing" // no DMARC policy applies, and the profile needs one: domain, minimum, fix, vendor
	CodeDKIMAdvice        plan.Code = "dkim-advice"          // SPF aligns but DKIM is not set up: domain
)
