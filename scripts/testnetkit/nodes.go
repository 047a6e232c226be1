package main

import (
	"fmt"
	"strconv"
	"strings"
)

// node is one testnet node named on the command line as URL or NAME=URL.
type node struct {
	name string
	*client
}

// parseNodes reads the node arguments; unnamed nodes are called 1, 2, ...
// by position.
func parseNodes(args []string) ([]node, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%w: no nodes given", errUsage)
	}
	out := make([]node, len(args))
	for i, a := range args {
		name, url, ok := strings.Cut(a, "=")
		if !ok {
			name, url = strconv.Itoa(i+1), a
		}
		if name == "" || url == "" {
			return nil, fmt.Errorf("%w: node %q: want URL or NAME=URL", errUsage, a)
		}
		out[i] = node{name: name, client: newClient(url)}
	}
	return out, nil
}
