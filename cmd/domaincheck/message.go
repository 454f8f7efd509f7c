package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/mailbox"
)

// readMessage reads the message file, or standard input for "-", at most
// one byte more than the check accepts (so that it can say "too large").
func readMessage(file string, stdin io.Reader) ([]byte, error) {
	in, done, err := openInput(file, stdin)
	if err != nil {
		return nil, err
	}
	defer done()
	return io.ReadAll(io.LimitReader(in, mailbox.MaxMessageSize+1))
}

// openInput opens file, or gives stdin for "-"; done closes what it opened.
func openInput(file string, stdin io.Reader) (in io.Reader, done func(), err error) {
	if file == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// runMessage checks one message and writes the report as text or JSON, in
// lang; it
// returns errChanges when a rule that applies is not met or could not be
// checked.
func runMessage(ctx context.Context, w io.Writer, c *mailbox.MessageChecker, data []byte, format string, lang language.Tag) error {
	rep, err := c.Check(ctx, bytes.NewReader(data))
	if err != nil {
		return err
	}
	if format == "json" {
		b, err := json.MarshalIndent(rep.In(lang), "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\n", b)
	} else {
		fmt.Fprint(w, rep.TextIn(lang))
	}
	if !mailbox.Compliant(rep.Results) {
		return errChanges
	}
	return nil
}
