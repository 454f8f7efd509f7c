package dkim_test

// Keys from the seed documents and the RFCs, used across the tests.
const (
	// seed000Key is the 2048-bit key of seed 000, as the vendor means it.
	seed000Key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtcJL5NHfaftQTFV9BemWPckwBj3Npls3ghFeh8e9RUFSpztQSMYeYVxYVJA7Km8QRX3zt3u3QgbIzp1rEjouHh03K0OsoKtQdmlBneg798peHI/MMwMrOVa8HFMyHW9JhhHiLdYNar9H77Ob1ourB6cAmTWFlaFQcFMF+o05Fhy5NCSVnsy/EWBHhLEII0d3iCMQJe/O19375xYVoDF494B1r323x4fNrHuTQcnxORaSSppXsYmCJ+SNoG+fIuVHYpxq2RCk/p9kuB0pNZl+wW7p2sdeknaDo5CYiQt/Wy4nHDiobq6SLuZ9pOpC652OodFuvIYI10npE/jbRpTZaQIDAQAB"
	// seed000Spaced is the same key as seed 000 prints it: with a space.
	seed000Spaced = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtcJL5NHfaftQTFV9BemWPckwBj3Npls3ghFeh8e9RUFSpztQSMYeYVxYVJA7Km8QRX3zt3u3QgbIzp1rEjouHh03K0OsoKtQdmlBneg798peHI/MMwMrOVa8HFMyHW9JhhHiLdYNar9H77Ob1ourB6cAmTWFlaFQcFMF+o05Fhy5NCSVnsy/EWBHhLEII0d3iCMQJe/O19375x YVoDF494B1r323x4fNrHuTQcnxORaSSppXsYmCJ+SNoG+fIuVHYpxq2RCk/p9kuB0pNZl+wW7p2sdeknaDo5CYiQt/Wy4nHDiobq6SLuZ9pOpC652OodFuvIYI10npE/jbRpTZaQIDAQAB"
	// seed002Key001 and seed002Key002 are seed 002's two selectors; the
	// second is a 1024-bit key.
	seed002Key001 = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAn66jq1ZdodxCtp0ztrWZUCOJpa62KZGHHsekKfm7wediMTSLeQKdLhwWY5L4RqWP5dMJds1Ya8dDWfQJAuILM5f5cxm+pXDJ0C6we3pWlhcN7HoNZsmkVeASH1QTq8Ji8d7ngfaOHfe+SXs4yTJWbI11Rt7nIS1syAtKn4fw/NiKW4k2xb38fpT3MoVCYLBw5STwLVxKt0YA0QiSuIQfxGgruy7ldMuXCOo9rjwL1zw/1Br9W4IWd0H/BHctaIDRCkkDK1H/YJO82txnmLKYrASZbxzEQu+9rMdENNTMNJ5Ox6ptx0xN/sCTcRxkGugyoFeMB6o8BOZ7pDyY3b4CiQIDAQAB"
	seed002Key002 = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCn1BbTAaEqGdv68mJsGTXw5n0dB/SxOj6VIrlNn06mEYvWrvhh+vFns8MReDFrvkqcVkKy/jvf5DaMph+qhzHxL0EiCrKCQOPKDPYEfFgsU+g8T7auyCzYUAxaas4K/Zffp81emUX8mmKzoVbe5kcvYqp7cF1NSLXVFV9meSGD8QIDAQAB"
	// seed004Spaced is seed 004's example: a PEM key with its line breaks
	// turned into spaces.
	seed004Spaced = "MIIBITANBgkqhkiG9w0BAQEFAAOCAQ4AMIIBCQKCAQBokQdbLVLXF3lHafZRolnm WMO15l/eTnEL6ymDRTSKAG8czf/djNzhBTfDr8vvHMXiYQAcGj4VqAjObNkq6uM+ euf60dY4QMtaqy3sgb/IToGm3UY9IErrZeLJ620QHiRFxxuMqK5ooyZeXUUWAKu0 Lvdt5AF/TrTEy3LEdW/VkzWyfhRJ7c0IDBaPEifsHuumSi4f/wJ/kpfjiLz4GbI5 k63Gv1a+TUyaPpHFiR7Uzryk9i08ok8yotRLTKL2tNa1k7HWA9YUKNSxljKw8Mfo cn8mZGRGJfO5/N3DmshvUeRaivKpFmEklpiveiunxVI9o+S+7ajnMNzwKtjA8Nmx AgMBAAE="

	// rfc6376Record is the key record of RFC 6376, Appendix C (1024 bits).
	rfc6376Record = "v=DKIM1; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFCjxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gbto/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB"
	// rfc6376PrivateKey is its private key, PKCS#1 (RFC 6376, Appendix C).
	rfc6376PrivateKey = `-----BEGIN RSA PRIVATE KEY-----
MIICXwIBAAKBgQDwIRP/UC3SBsEmGqZ9ZJW3/DkMoGeLnQg1fWn7/zYtIxN2SnFC
jxOCKG9v3b4jYfcTNh5ijSsq631uBItLa7od+v/RtdC2UzJ1lWT947qR+Rcac2gb
to/NMqJ0fzfVjH4OuKhitdY9tf6mcwGjaNBcWToIMmPSPDdQPNUYckcQ2QIDAQAB
AoGBALmn+XwWk7akvkUlqb+dOxyLB9i5VBVfje89Teolwc9YJT36BGN/l4e0l6QX
/1//6DWUTB3KI6wFcm7TWJcxbS0tcKZX7FsJvUz1SbQnkS54DJck1EZO/BLa5ckJ
gAYIaqlA9C0ZwM6i58lLlPadX/rtHb7pWzeNcZHjKrjM461ZAkEA+itss2nRlmyO
n1/5yDyCluST4dQfO8kAB3toSEVc7DeFeDhnC1mZdjASZNvdHS4gbLIA1hUGEF9m
3hKsGUMMPwJBAPW5v/U+AWTADFCS22t72NUurgzeAbzb1HWMqO4y4+9Hpjk5wvL/
eVYizyuce3/fGke7aRYw/ADKygMJdW8H/OcCQQDz5OQb4j2QDpPZc0Nc4QlbvMsj
7p7otWRO5xRa6SzXqqV3+F0VpqvDmshEBkoCydaYwc2o6WQ5EBmExeV8124XAkEA
qZzGsIxVP+sEVRWZmW6KNFSdVUpk3qzK0Tz/WjQMe5z0UunY9Ax9/4PVhp/j61bf
eAYXunajbBSOLlx4D+TunwJBANkPI5S9iylsbLs6NkaMHV6k5ioHBBmgCak95JGX
GMot/L2x0IYyMLAz6oLWh2hm7zwtb0CgOrPo1ke44hFYnfc=
-----END RSA PRIVATE KEY-----
`
	// rfc8463Seed and rfc8463Public are the Ed25519 example key of
	// RFC 8463, Appendix A.
	rfc8463Seed   = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
	rfc8463Public = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
)
