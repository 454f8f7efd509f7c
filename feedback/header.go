package feedback

import (
	"io"
	"strings"

	"github.com/domainauth/domainauth/mailbox"
)

// field is one header field with its name in lower case, as the readers of
// this package compare it.
type field struct {
	name  string // lower case
	value string
}

// readHeader reads the header block of a message in order with
// [mailbox.ReadHeader] (net/mail keeps no order across names, and the
// order is what tells the receiver's fields from the sender's, RFC 8601,
// Section 5). Its errors wrap mailbox's sentinels and never quote the
// input.
func readHeader(r io.Reader) ([]field, error) {
	h, err := mailbox.ReadHeader(r)
	if err != nil {
		return nil, err
	}
	fields := make([]field, len(h))
	for i, f := range h {
		fields[i] = field{name: strings.ToLower(f.Name), value: f.Value}
	}
	return fields, nil
}
