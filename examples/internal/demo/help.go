package demo

import (
	"bytes"
	"errors"
	"flag"
	"io"
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
