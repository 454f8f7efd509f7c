//go:build !linux

package main

import "errors"

// fastServer is Linux's (fastserver.go); elsewhere the zone's own server
// answers.
// fastSockets is the number of sockets (and threads) reading the port.
const fastSockets = 1

type fastServer struct{ addr string }

func startFastServer(string) (*fastServer, error) {
	return nil, errors.New("the fast server is Linux only")
}

func (s *fastServer) served() int { return 0 }
