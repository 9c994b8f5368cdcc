package transport

import (
	"strconv"
	"time"
)

// rabbitLayout is Ruby MCollective 2.12's rabbitmq connector
// (connector/rabbitmq.rb, make_target).
type rabbitLayout struct {
	multiplex     bool // plugin.rabbitmq.agents_multiplex
	replyExchange bool // plugin.rabbitmq.use_reply_exchange
}

var _ Layout = rabbitLayout{}

func (l rabbitLayout) NodeSubscriptions(collectives []string, identity string, agents []string) []Subscription {
	var subs []Subscription
	for _, c := range collectives {
		subs = append(subs, Subscription{
			Destination: l.Directed(c, "", identity).Destination,
			ID:          c + "_" + identity + "_directed_to_identity",
		})
		if l.multiplex {
			subs = append(subs, Subscription{Destination: "/exchange/" + c + "_broadcast", ID: c + "_broadcast"})
			continue
		}
		for _, a := range agents {
			subs = append(subs, Subscription{Destination: l.Broadcast(c, a).Destination, ID: c + "_broadcast_" + a})
		}
	}
	return subs
}

func (l rabbitLayout) Broadcast(collective, agent string) Route {
	if l.multiplex {
		return Route{Destination: "/exchange/" + collective + "_broadcast"}
	}
	return Route{Destination: "/exchange/" + collective + "_broadcast/" + agent}
}

func (rabbitLayout) Directed(collective, _, node string) Route {
	return Route{Destination: "/exchange/" + collective + "_directed/" + node}
}

func (l rabbitLayout) Replies(_, agent, clientID string) Subscription {
	if l.replyExchange {
		return Subscription{
			Destination: "/exchange/mcollective_reply/" + clientID,
			ID:          "mcollective_" + agent + "_replies",
		}
	}
	return Subscription{Destination: "/temp-queue/mcollective_reply_" + agent, Temporary: true}
}

func (rabbitLayout) ExpiryHeaders(expiry time.Duration, _ time.Time) map[string]string {
	return relativeExpiry(expiry)
}

// activeLayout is Ruby MCollective 2.12's activemq connector
// (connector/activemq.rb, make_target and headers_for).
type activeLayout struct {
	multiplex bool // plugin.activemq.agents_multiplex
}

var _ Layout = activeLayout{}

func (l activeLayout) NodeSubscriptions(collectives []string, identity string, agents []string) []Subscription {
	var subs []Subscription
	for _, c := range collectives {
		if l.multiplex {
			subs = append(subs, Subscription{Destination: l.Broadcast(c, "").Destination})
		} else {
			for _, a := range agents {
				subs = append(subs, Subscription{Destination: l.Broadcast(c, a).Destination})
			}
		}
		subs = append(subs, Subscription{
			Destination: "/queue/" + c + ".nodes",
			ID:          c + "_directed_to_identity",
			Headers:     map[string]string{headerSelector: "mc_identity = '" + identity + "'"},
		})
	}
	return subs
}

func (l activeLayout) Broadcast(collective, agent string) Route {
	if l.multiplex {
		return Route{Destination: "/topic/" + collective + ".agents"}
	}
	return Route{Destination: "/topic/" + collective + "." + agent + ".agent"}
}

func (activeLayout) Directed(collective, _, node string) Route {
	return Route{
		Destination: "/queue/" + collective + ".nodes",
		Headers:     map[string]string{headerIdentity: node},
	}
}

func (activeLayout) Replies(collective, _, clientID string) Subscription {
	return Subscription{Destination: "/queue/" + collective + ".reply." + clientID}
}

// ExpiryHeaders follows Ruby, which works in whole seconds:
// timestamp = now*1000, expires = (now + expiry)*1000.
func (activeLayout) ExpiryHeaders(expiry time.Duration, now time.Time) map[string]string {
	sec := now.Unix()
	return map[string]string{
		headerTimestamp: strconv.FormatInt(sec*1000, 10),
		headerExpires:   strconv.FormatInt(sec*1000+expiry.Milliseconds(), 10),
	}
}
