package feedback

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/mailbox"
)

// ErrNotBounce: the message does not say that delivery failed (the error
// of [ParseBounce]).
var ErrNotBounce = errors.New("feedback: not a bounce")

// Limits on what a bounce decodes to, so that [ParseBounce] takes time
// and memory linear in its input whatever the input holds.
const (
	// MaxRecipients bounds the recipients read from a bounce.
	MaxRecipients = 32
	// MaxLineLength bounds how much of each line of a text bounce is
	// searched for a reply and an address: the reply is at a line's start.
	MaxLineLength = 4 << 10
	// MaxDiagnosticLength bounds the receiver's words kept per recipient,
	// continuation lines included; the rest is cut, marked "...".
	MaxDiagnosticLength = 4 << 10
)

// maxParts bounds the MIME parts read at each level.
const maxParts = 32

// Bounce is what a returned message says: who reported it, and each
// recipient it failed for.
type Bounce struct {
	// ReportingMTA is the server that wrote the bounce ("dns;
	// smtp1.vendor.example" becomes "smtp1.vendor.example"): for a bounce
	// of mail refused during delivery, the vendor's own sending server.
	ReportingMTA string      `json:"reporting_mta"`
	Recipients   []Recipient `json:"recipients"`
	// OriginalFrom and OriginalSubject come from the returned message's
	// headers, when the bounce includes them.
	OriginalFrom    string `json:"original_from"`
	OriginalSubject string `json:"original_subject"`
}

// Recipient is one recipient a bounce reports.
type Recipient struct {
	Address    string `json:"address"`
	Action     string `json:"action"`      // failed, delayed, ... (RFC 3464); "failed" for text bounces
	Status     string `json:"status"`      // the enhanced status code, "5.7.26"
	StatusText string `json:"status_text"` // the status code in words (RFC 3463)
	// Diagnostic is the receiver's own words, as quoted in the bounce.
	Diagnostic string `json:"diagnostic"`
	RemoteMTA  string `json:"remote_mta"`
	// ReportedStatus is the delivery-status part's Status when the
	// diagnostic text gave a more specific code, which Status then holds
	// (a generic 5.0.0 beside the receiver's 5.7.26); "" otherwise.
	ReportedStatus string    `json:"reported_status,omitempty"`
	Class          Class     `json:"class"`
	Mechanism      Mechanism `json:"mechanism,omitempty"` // for an authentication failure: which one
	// List is the blocklist a reputation failure names, when the text
	// names one.
	List *Listing `json:"list,omitempty"`
	// Provider is the mailbox provider whose receiver refused the message
	// ("Gmail", "Outlook.com", "Yahoo"), when the bounce shows it; Rule is
	// the rule of its sender requirements the provider's code names.
	Provider string        `json:"provider,omitempty"`
	Rule     *ProviderRule `json:"rule,omitempty"`
	// Advice says what to do about it; for an authentication failure, see
	// [Diagnose] for the DNS fix.
	Advice string `json:"advice"`
}

// advice says what to do about a failed recipient, in English.
func advice(r Recipient) string { return r.AdviceIn(i18n.English) }

// AdviceIn is the recipient's Advice in the catalogue language tag
// matches (package i18n), worded from its class, mechanism, listing and
// provider rule as [ParseBounce] words the English.
func (r Recipient) AdviceIn(tag language.Tag) string {
	if r.Rule != nil {
		fix := r.Rule.FixIn(tag)
		if r.Rule.Class == ClassTemporary {
			return sentence{"feedback-advice-retrying", map[string]string{"fix": fix}}.In(tag)
		}
		return fix
	}
	return r.adviceSentence(tag).In(tag)
}

// adviceSentence is the advice for a recipient's class, naming its list
// in the language tag matches.
func (r Recipient) adviceSentence(tag language.Tag) sentence {
	switch r.Class {
	case ClassAuthentication:
		return sentence{"feedback-advice-authentication", map[string]string{"mechanism": strings.ToUpper(string(r.Mechanism))}}
	case ClassReputation:
		p := map[string]string{}
		if r.List != nil {
			p["list"], p["url"] = r.List.StringIn(tag), r.List.LookupURL
			if r.List.Address.IsValid() {
				p["address"] = r.List.Address.String()
			}
		}
		return sentence{"feedback-advice-reputation", p}
	case ClassSize:
		return sentence{Code: "feedback-advice-size"}
	case ClassContent:
		return sentence{Code: "feedback-advice-content"}
	case ClassMailbox:
		return sentence{Code: "feedback-advice-mailbox"}
	case ClassPolicy:
		return sentence{Code: "feedback-advice-policy"}
	case ClassTemporary:
		if r.List != nil {
			return sentence{"feedback-advice-temporary-listed", map[string]string{"list": r.List.StringIn(tag), "url": r.List.LookupURL}}
		}
		return sentence{Code: "feedback-advice-temporary"}
	}
	return sentence{Code: "feedback-advice-unknown"}
}

// StatusTextIn is the recipient's StatusText in the catalogue language
// tag matches: see [StatusTextIn].
func (r Recipient) StatusTextIn(tag language.Tag) string {
	if r.Status == "" {
		return ""
	}
	return StatusTextIn(tag, r.Status)
}

// ParseBounce reads a returned message: an RFC 3464 delivery status
// notification (multipart/report with a message/delivery-status part), or
// the plain-text bounces of MTAs and providers that send none (the lines
// holding the SMTP reply are found and read). Each failed or delayed
// recipient is classified. It reads at most [mailbox.MaxMessageSize] bytes
// (more is [mailbox.ErrTooLarge]), the header with [mailbox.ReadHeader],
// and [maxParts] MIME parts per level, nested one level at most.
func ParseBounce(r io.Reader) (*Bounce, error) {
	data, err := io.ReadAll(io.LimitReader(r, mailbox.MaxMessageSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > mailbox.MaxMessageSize {
		return nil, fmt.Errorf("%w: over %d bytes", mailbox.ErrTooLarge, mailbox.MaxMessageSize)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: %w", ErrNotBounce, mailbox.ErrEmpty)
	}
	if mailbox.IsBinary(data) {
		return nil, fmt.Errorf("%w: %w", ErrNotBounce, mailbox.ErrBinary)
	}
	b := &Bounce{}
	var text strings.Builder
	br := bufio.NewReader(bytes.NewReader(data))
	h, err := mailbox.ReadHeader(br)
	if err != nil {
		// No header block: a bounce's text pasted alone. Its replies are
		// read all the same.
		h = nil
		text.Write(data)
	}
	mediaType, params, _ := mime.ParseMediaType(first(h, "Content-Type"))
	switch {
	case h == nil:
	case strings.HasPrefix(mediaType, "multipart/"):
		readParts(b, &text, br, params["boundary"], 1)
	default:
		body, _ := io.ReadAll(br)
		text.Write(decodeBody(body, first(h, "Content-Transfer-Encoding")))
	}
	if len(b.Recipients) == 0 {
		b.Recipients = fromText(strings.ReplaceAll(text.String(), "\r\n", "\n"))
	}
	if len(b.Recipients) == 0 {
		if h == nil {
			return nil, fmt.Errorf("%w: %w, and no failed recipient is found in its text", ErrNotBounce, mailbox.ErrNoHeader)
		}
		return nil, fmt.Errorf("%w: no failed recipient found", ErrNotBounce)
	}
	for i := range b.Recipients {
		rc := &b.Recipients[i]
		rc.Diagnostic = capText(rc.Diagnostic, MaxDiagnosticLength)
		if s := mostSpecific(rc.Status, rc.Diagnostic); s != rc.Status {
			if rc.Status != "" {
				rc.ReportedStatus = rc.Status
			}
			rc.Status = s
		}
		rc.StatusText = StatusText(rc.Status)
		reply := replyCode(rc.Diagnostic)
		rc.Class, rc.Mechanism, rc.List = classify(rc.Status, reply, rc.Diagnostic, rc.Action)
		rc.Advice = advice(*rc)
		rc.Provider = providerOf(rc.RemoteMTA, rc.Address, rc.Diagnostic)
		if rule := providerRule(rc.Provider, rc.Status, rc.Diagnostic); rule != nil && rc.Class != ClassReputation {
			rc.Rule = rule
			rc.Class, rc.Mechanism = rule.Class, rule.Mechanism
			rc.Advice = advice(*rc)
		}
	}
	return b, nil
}

// first returns the value of the first field named name, or "".
func first(h mailbox.Header, name string) string {
	if v := h.Get(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// readParts reads the parts of a multipart body: the delivery-status part,
// the original message's headers, and the text parts (for text bounces).
func readParts(b *Bounce, text *strings.Builder, body io.Reader, boundary string, depth int) {
	if boundary == "" {
		return
	}
	mr := multipart.NewReader(body, boundary)
	for n := 0; n < maxParts; n++ {
		p, err := mr.NextPart()
		if err != nil {
			return
		}
		ct, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		raw, _ := io.ReadAll(p)
		raw = decodeBody(raw, p.Header.Get("Content-Transfer-Encoding"))
		switch {
		case ct == "message/delivery-status" || ct == "message/global-delivery-status":
			readDeliveryStatus(b, raw)
		case ct == "text/rfc822-headers" || ct == "message/rfc822" || ct == "message/global" || ct == "message/global-headers":
			if h, err := mailbox.ReadHeader(bytes.NewReader(raw)); err == nil {
				b.OriginalFrom, b.OriginalSubject = first(h, "From"), first(h, "Subject")
			}
		case strings.HasPrefix(ct, "multipart/") && depth < 2:
			readParts(b, text, bytes.NewReader(raw), params["boundary"], depth+1)
		case strings.HasPrefix(ct, "text/") || ct == "":
			text.Write(raw)
			text.WriteByte('\n')
		}
	}
}

// readDeliveryStatus reads a message/delivery-status body (RFC 3464,
// Section 2.1): per-message fields, then one block per recipient.
func readDeliveryStatus(b *Bounce, raw []byte) {
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	first := true
	for n := 0; n <= maxParts; n++ {
		h, err := tp.ReadMIMEHeader()
		if len(h) > 0 {
			if first {
				b.ReportingMTA = fieldValue(h.Get("Reporting-Mta"))
				first = false
				if h.Get("Final-Recipient") == "" && h.Get("Original-Recipient") == "" {
					if err != nil {
						return
					}
					continue
				}
			}
			addr := fieldValue(h.Get("Final-Recipient"))
			if addr == "" {
				addr = fieldValue(h.Get("Original-Recipient"))
			}
			action := strings.ToLower(strings.TrimSpace(h.Get("Action")))
			if addr != "" && action != "delivered" && action != "relayed" && action != "expanded" && len(b.Recipients) < MaxRecipients {
				b.Recipients = append(b.Recipients, Recipient{Address: addr, Action: action,
					Status: strings.TrimSpace(h.Get("Status")), Diagnostic: fieldValue(h.Get("Diagnostic-Code")),
					RemoteMTA: fieldValue(h.Get("Remote-Mta"))})
			}
		}
		if err != nil {
			return
		}
	}
}

// fieldValue drops the type of a typed field ("rfc822; a@b" -> "a@b",
// "smtp; 550 ..." -> "550 ...") and unfolds it.
func fieldValue(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 && i < 16 {
		v = v[i+1:]
	}
	return strings.Join(strings.Fields(capText(v, 2*MaxDiagnosticLength)), " ")
}

func decodeBody(raw []byte, encoding string) []byte {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		if out, err := io.ReadAll(quotedPrintable(raw)); err == nil {
			return out
		}
	case "base64":
		if out, err := decodeBase64(raw); err == nil {
			return out
		}
	}
	return raw
}
