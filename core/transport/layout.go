package transport

import (
	"fmt"
	"time"

	"github.com/marionette-mco/marionette/core/config"
)

// Layout maps MCollective's addressing (collective, agent, node, client)
// onto STOMP destinations and headers. The package doc has the table for
// each layout.
type Layout interface {
	// NodeSubscriptions lists what a node with the given identity
	// subscribes to in order to receive broadcast requests for its agents
	// and requests directed at it, in every collective it belongs to.
	NodeSubscriptions(collectives []string, identity string, agents []string) []Subscription
	// Broadcast returns where a request for every node with agent goes.
	Broadcast(collective, agent string) Route
	// Directed returns where a request for the single node goes.
	Directed(collective, agent, node string) Route
	// Replies returns a client's reply destination for requests to
	// agent; clientID is unique to the client. The Subscription's
	// Destination is the reply-to header to write; Temporary says the
	// client must not SUBSCRIBE to it (RabbitMQ's /temp-queue/).
	Replies(collective, agent, clientID string) Subscription
	// ExpiryHeaders returns the headers that tell the broker a message
	// sent at now expires after expiry.
	ExpiryHeaders(expiry time.Duration, now time.Time) map[string]string
}

// Connector names understood by NewLayout.
const (
	NameStomp    = "stomp"
	NameRabbitMQ = "rabbitmq"
	NameActiveMQ = "activemq"
)

// DefaultTopicPrefix is the stomp layout's prefix when none is configured.
const DefaultTopicPrefix = "/topic/"

// NewLayout returns the layout named by cfg.Name.
func NewLayout(cfg config.Connector) (Layout, error) {
	switch cfg.Name {
	case NameStomp:
		prefix := cfg.TopicPrefix
		if prefix == "" {
			prefix = DefaultTopicPrefix
		}
		return stompLayout{prefix: prefix}, nil
	case NameRabbitMQ:
		return rabbitLayout{multiplex: cfg.AgentsMultiplex, replyExchange: cfg.UseReplyExchange}, nil
	case NameActiveMQ:
		return activeLayout{multiplex: cfg.AgentsMultiplex}, nil
	}
	return nil, fmt.Errorf("transport: unknown connector %q (want %s, %s or %s)",
		cfg.Name, NameStomp, NameRabbitMQ, NameActiveMQ)
}

// relativeExpiry is the expiration header of the rabbitmq and stomp
// layouts.
func relativeExpiry(expiry time.Duration) map[string]string {
	return map[string]string{headerExpiration: millis(expiry)}
}

// stompLayout is Marionette's own topic layout, MCollective 1.x style.
type stompLayout struct {
	prefix string
}

var _ Layout = stompLayout{}

func (l stompLayout) NodeSubscriptions(collectives []string, identity string, agents []string) []Subscription {
	var subs []Subscription
	for _, c := range collectives {
		subs = append(subs, Subscription{Destination: l.Directed(c, "", identity).Destination})
		for _, a := range agents {
			subs = append(subs, Subscription{Destination: l.Broadcast(c, a).Destination})
		}
	}
	return subs
}

func (l stompLayout) Broadcast(collective, agent string) Route {
	return Route{Destination: l.prefix + collective + "." + agent + ".command"}
}

func (l stompLayout) Directed(collective, _, node string) Route {
	return Route{Destination: l.prefix + collective + ".node." + node}
}

func (l stompLayout) Replies(collective, _, clientID string) Subscription {
	return Subscription{Destination: l.prefix + collective + ".reply." + clientID}
}

func (stompLayout) ExpiryHeaders(expiry time.Duration, _ time.Time) map[string]string {
	return relativeExpiry(expiry)
}
