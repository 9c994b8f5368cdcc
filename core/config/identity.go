package config

import (
	"context"
	"net"
	"os"
	"regexp"
	"strings"
	"time"
)

// fqdnTimeout bounds the name lookups behind the default identity.
const fqdnTimeout = time.Second

// validIdentity is Ruby's rule for identities: word characters, dots and
// dashes.
func validIdentity() *regexp.Regexp {
	return regexp.MustCompile(`^[\w.\-]+$`)
}

// HostFQDN returns the host's fully qualified name, best effort: the host
// name if it already has a dot, else a name found through the resolver
// (the canonical name, then the reverse lookup of the host's addresses)
// whose first label is the host name, else the host name itself; and
// "localhost" when even that is unknown. It never fails and never waits
// for the resolver more than about a second. (Ruby MCollective uses the
// bare host name; its facter-based setups use the FQDN, which is what
// identities look like in practice.)
func HostFQDN() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		return "localhost"
	}
	if strings.Contains(host, ".") {
		return host
	}
	// Load takes no context; this lookup is the one place it could block,
	// so it gets its own bounded one.
	ctx, cancel := context.WithTimeout(context.Background(), fqdnTimeout)
	defer cancel()
	if name := lookupFQDN(ctx, net.DefaultResolver, host); name != "" {
		return name
	}
	return host
}

// lookupFQDN asks r for a dotted name of host; "" when there is none.
func lookupFQDN(ctx context.Context, r *net.Resolver, host string) string {
	fits := func(name string) string {
		name = strings.TrimSuffix(name, ".")
		first, _, dotted := strings.Cut(name, ".")
		if dotted && strings.EqualFold(first, host) {
			return name
		}
		return ""
	}
	if cname, err := r.LookupCNAME(ctx, host); err == nil {
		if name := fits(cname); name != "" {
			return name
		}
	}
	addrs, err := r.LookupHost(ctx, host)
	if err != nil {
		return ""
	}
	for _, addr := range addrs {
		names, err := r.LookupAddr(ctx, addr)
		if err != nil {
			continue
		}
		for _, n := range names {
			if name := fits(n); name != "" {
				return name
			}
		}
	}
	return ""
}
