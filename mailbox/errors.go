package mailbox

import "errors"

// Errors of the message check, for errors.Is; each error returned wraps
// one of them.
var (
	ErrEmpty           = errors.New("mailbox: the message is empty")
	ErrBinary          = errors.New("mailbox: the message is binary, not a mail message")
	ErrNoHeader        = errors.New("mailbox: the message has no header fields")
	ErrMalformed       = errors.New("mailbox: the message header is malformed")
	ErrTooLarge        = errors.New("mailbox: the message is too large")
	ErrTooManyHeaders  = errors.New("mailbox: the message has too many header fields")
	ErrUnknownProvider = errors.New("mailbox: unknown provider")
)
