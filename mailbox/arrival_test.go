package mailbox

import "testing"

func TestArrivalReceived(t *testing.T) {
	microsoft := []string{
		"from CH3PR11MB7345.namprd11.prod.outlook.com (2603:10b6:610:14b::10) by SA1PR11MB8474.namprd11.prod.outlook.com with HTTPS; Mon, 23 Nov 2026 09:40:02 +0000",
		"from BN9PR03CA0512.namprd03.prod.outlook.com (2603:10b6:408:131::7) by CH3PR11MB7345.namprd11.prod.outlook.com (2603:10b6:610:14b::10) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.7633.17",
		"from BN2PEPF000044A5.namprd04.prod.outlook.com (2603:10b6:408:131:cafe::2f) by BN9PR03CA0512.outlook.office365.com (2603:10b6:408:131::7) with Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)",
		"from smtp1.vendor.example (5.255.64.53) by BN2PEPF000044A5.mail.protection.outlook.com (10.167.243.156) with Microsoft SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384)",
		"from app.vendor.example (app.vendor.example [10.0.0.5]) by smtp1.vendor.example with ESMTP",
	}
	gmail := []string{
		"by 2002:a05:6a10:9e8c:b0:5a1:1b2c:3d4e with SMTP id z12csp123456pxb; Tue, 1 Dec 2026 00:00:02 -0800",
		"from smtp1.vendor.example (smtp1.vendor.example. [198.51.100.7]) by mx.google.com with ESMTPS id x1si123 for <a@gmail.com> (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256)",
		"from app.vendor.example (localhost [127.0.0.1]) by smtp1.vendor.example with ESMTP",
	}
	googleToGoogle := []string{
		"by 2002:a05:6a10:9e8c:b0:5a1:1b2c:3d4e with SMTP id z12csp1",
		"from mail-sor-f41.google.com (mail-sor-f41.google.com. [209.85.220.41]) by mx.google.com with SMTPS id a2sor (Google Transport Security)",
		"by mail-sor-f41.google.com with SMTP id a2so for <b@gmail.com>",
	}
	internal := []string{
		"by localhost with LMTP",
		"from filter.receiver.example (10.1.2.3) by store.receiver.example with ESMTP",
	}
	plain := []string{"from unknown (198.18.7.7) by mx.receiver.example with ESMTP"}
	for _, tc := range []struct {
		name   string
		fields []string
		want   string
	}{
		{"Microsoft 365's internal hops above the arrival", microsoft, microsoft[3]},
		{"Gmail's hop without a from part above the arrival", gmail, gmail[1]},
		{"two hosts of one provider", googleToGoogle, googleToGoogle[1]},
		{"every hop internal", internal, internal[0]},
		{"one field", plain, plain[0]},
		{"none", nil, ""},
	} {
		if got := arrivalReceived(tc.fields); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestSameOrganization(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"mail-sor-f41.google.com", "mx.google.com", true},
		{"bn2pepf000044a5.namprd04.prod.outlook.com", "bn9pr03ca0512.outlook.office365.com", true},
		{"smtp1.vendor.example", "bn2pepf000044a5.mail.protection.outlook.com", false},
		{"a.example.co.uk", "b.other.co.uk", false},
		{"a.example.co.uk", "b.example.co.uk", true},
		{"localhost", "mx.example.com", false},
		{"192.0.2.1", "mx.example.com", false},
	} {
		if got := sameOrganization(tc.a, tc.b); got != tc.want {
			t.Errorf("sameOrganization(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
