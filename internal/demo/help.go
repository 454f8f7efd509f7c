package demo

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"strings"
)

// ParseHelp is [ParseArgs] with the flag package's conventions for -h:
// asked for, the usage goes to stdout and help is true (the program
// exits with [ExitReady]); a usage error goes to fs's output, as before.
func ParseHelp(fs *flag.FlagSet, args []string, stdout io.Writer) (help bool, err error) {
	out := fs.Output()
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err = ParseArgs(fs, args)
	fs.SetOutput(out)
	if errors.Is(err, flag.ErrHelp) {
		stdout.Write(buf.Bytes())
		return true, err
	}
	out.Write(buf.Bytes())
	return false, err
}

// Sentence returns err's text for a program's one-line message: the
// library's package prefixes ("dmarc: ", "dnsrec: ") are dropped where
// they stutter after the program's own name, so that "dmarc: dmarc:
// invalid settings" reads "dmarc: invalid settings".
func Sentence(err error) string {
	s := err.Error()
	for _, p := range []string{"dmarc: ", "dnsrec: ", "dkim: ", "spf: ", "feedback: ", "sender: ", "plan: "} {
		s = strings.ReplaceAll(s, ": "+p, ": ")
		s = strings.TrimPrefix(s, p)
	}
	return s
}
