module github.com/domainauth/domainauth/bench

go 1.25.0

require (
	blitiri.com.ar/go/spf v1.6.0
	github.com/domainauth/domainauth v0.0.0
	github.com/miekg/dns v1.1.73
)

require (
	github.com/emersion/go-msgauth v0.7.0 // indirect
	github.com/nicksnyder/go-i18n/v2 v2.6.0 // indirect
	go.yaml.in/yaml/v3 v3.0.4 // indirect
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace github.com/domainauth/domainauth => ../
