// Package readme keeps the Go code of the project's README.md compiling:
// each go block there is type-checked against the packages as they are.
package readme

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"regexp"
	"strings"
	"testing"
)

// goBlock finds the README's go code blocks.
var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// prelude wraps a block in a function whose parameters are the names the
// README's fragments take as given (a context, an address, the caller's
// JSON, ...); the block itself goes in a nested scope, so that it may
// declare those names again.
const prelude = `package readme

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"testing"

	"golang.org/x/text/language"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/dnsrec"
	"github.com/domainauth/domainauth/dnsrec/dnstest"
	"github.com/domainauth/domainauth/domaincheck"
	"github.com/domainauth/domainauth/feedback"
	"github.com/domainauth/domainauth/i18n"
	"github.com/domainauth/domainauth/mailbox"
	"github.com/domainauth/domainauth/plan"
	"github.com/domainauth/domainauth/sender"
	"github.com/domainauth/domainauth/spf"
)

var (
	_ = fmt.Sprint
	_ = feedback.ParseBounce
	_ = dnstest.MustZone
	_ = mailbox.ReadHeader
)

func block(ctx context.Context, ip netip.Addr, vendorJSON, policyJSON []byte, reportsPass map[string]bool,
	domains []string, store func(*domaincheck.DomainReport), c *domaincheck.Checker, resolver dnsrec.Resolver,
	file io.Reader, t *testing.T, change plan.Change, f plan.Finding, pl *plan.Plan, cs plan.Changes, tag language.Tag,
	params map[string]string) {
	_, _, _, _, _, _, _, _, _, _, _, _ = ctx, ip, vendorJSON, policyJSON, reportsPass, domains, store, c, resolver, file, t, change
	_, _, _, _, _ = f, pl, cs, tag, params
	_ = i18n.Default
	var _ dkim.KeyCheck
	var _ dmarc.Policy
	var _ sender.Request
	var _ spf.Status
	{
`

// TestREADMECompiles type-checks every go block of README.md. A name the
// README uses that the packages no longer have fails here, not in a
// reader's editor. Variables a fragment declares and leaves unused are
// allowed (a fragment shows a call, not a program).
func TestREADMECompiles(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllStringSubmatch(string(data), -1)
	if len(blocks) < 3 {
		t.Fatalf("README.md has %d go blocks; the test expects the tour, the domain check and the test kit", len(blocks))
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for i, b := range blocks {
		src := prelude + b[1] + "\n\t}\n}\n"
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "readme.go", src, 0)
		if err != nil {
			t.Errorf("go block %d of README.md does not parse: %v\n%s", i+1, err, b[1])
			continue
		}
		var problems []string
		conf := types.Config{Importer: imp, Error: func(err error) {
			msg := err.Error()
			if strings.Contains(msg, "declared and not used") {
				return
			}
			problems = append(problems, msg)
		}}
		conf.Check("readme", fset, []*ast.File{f}, nil)
		if len(problems) > 0 {
			t.Errorf("go block %d of README.md does not compile:\n%s\n---\n%s", i+1, strings.Join(problems, "\n"), b[1])
		}
	}
}
