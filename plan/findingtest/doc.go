// Package findingtest holds assertions about the findings of a package
// that defines plan.Code constants (as spf, dkim, dmarc and domaincheck
// do), for its tests: that each carries its parameters (so that a
// program can word it in another language from its code and parameters
// alone), that each parameter is a value its sentences use, and that the
// names are the ones documented beside the code.
package findingtest
