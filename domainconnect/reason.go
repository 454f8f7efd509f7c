package domainconnect

// ReasonCode says, as a stable token, why an apply link is not offered, or
// what a link that is offered leaves to be done by hand.
type ReasonCode string

// Reason codes.
const (
	// ReasonNotChecked: the domain could not be checked (a DNS failure,
	// a name that does not exist), so nothing is offered.
	ReasonNotChecked ReasonCode = "not-checked"
	// ReasonNothingToDo: the plan holds no change for the customer.
	ReasonNothingToDo ReasonCode = "nothing-to-do"
	// ReasonElsewhere: a record set lives elsewhere (behind a CNAME, in a
	// zone delegated to another operator, in another zone than the one
	// the DNS host serves): the change is made there, not by the
	// template.
	ReasonElsewhere ReasonCode = "hosted-elsewhere"
	// ReasonBrokenRecord: a broken record must be replaced (two SPF
	// records, an SPF record that does not parse, a DMARC record that is
	// not one), which the template cannot express without risking the
	// host's merge keeping the broken one.
	ReasonBrokenRecord ReasonCode = "broken-record"
	// ReasonSPFMerge: the SPF record the DNS host's merge would write
	// differs from the one the plan proposes (the plan also authorizes
	// the domain's own mail servers, or keeps a term the merge would
	// drop, or the record ends in redirect=).
	ReasonSPFMerge ReasonCode = "spf-merge-differs"
	// ReasonSPFLimit: the SPF record is at its limit of 10 DNS lookups;
	// the plan adds nothing to it and the link leaves it alone, but the
	// record needs work by hand (a note on an offered link, or a reason).
	ReasonSPFLimit ReasonCode = "spf-lookup-limit"
	// ReasonDMARCMerge: the plan changes an existing DMARC record (a report
	// address to merge, a policy to tighten); the template only publishes
	// a record where there is none, and never overwrites a policy.
	ReasonDMARCMerge ReasonCode = "dmarc-merge"
	// ReasonNotInTemplate: the plan holds a change the vendor's template
	// has no record for.
	ReasonNotInTemplate ReasonCode = "not-in-template"
	// ReasonNoDomainConnect: the zone has no _domainconnect record: its
	// DNS host does not offer Domain Connect.
	ReasonNoDomainConnect ReasonCode = "no-domain-connect"
	// ReasonDiscoveryFailed: the DNS host's settings could not be read
	// safely (not https, a private address, a redirect, too large, too
	// slow, malformed).
	ReasonDiscoveryFailed ReasonCode = "discovery-failed"
	// ReasonNoSyncFlow: the DNS host offers no synchronous flow for the
	// zone.
	ReasonNoSyncFlow ReasonCode = "no-sync-flow"
	// ReasonTemplateUnsupported: the DNS host does not have the vendor's
	// template (it has not been onboarded there).
	ReasonTemplateUnsupported ReasonCode = "template-not-supported"
	// ReasonSimulationDiffers: the template applied in memory to the zone
	// as read does not give what the plan promises.
	ReasonSimulationDiffers ReasonCode = "simulation-differs"
	// ReasonNotReadyAfter: applied in memory, the template does what the
	// plan proposes, yet the domain is still not ready (something the
	// template cannot do blocks it): a click must finish the job, so the
	// plan's steps are the way to go.
	ReasonNotReadyAfter ReasonCode = "not-ready-after"
	// ReasonLink: the link could not be made (no signing key).
	ReasonLink ReasonCode = "link-failed"
)

// Reason is one reason code with its sentence.
type Reason struct {
	Code    ReasonCode `json:"code"`
	Message string     `json:"message"`
	// Name is the record set concerned, when there is one.
	Name string `json:"name,omitempty"`
}
