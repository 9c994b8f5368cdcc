// Package transport owns Marionette's STOMP connection to the middleware:
// connecting to a pool of brokers, heart-beats, reconnecting with backoff,
// re-subscribing after every reconnect, publishing, and the destination
// layouts ("connectors") that map MCollective's addressing onto STOMP
// destinations. It moves opaque bodies; the security and protocol layers
// above it decide what the bytes mean.
//
// # Layouts
//
// A Layout is chosen by config.Connector.Name. <c> is a collective, <agent>
// an agent name, <identity> a node's identity, <node> the identity a
// directed request is for, <clientid> a client's unique reply id
// (identity_pid_seq, made by Conn.SubscribeReplies).
//
// rabbitmq, the destinations, ids and header values Ruby MCollective 2.12's
// rabbitmq connector writes (checked against captured frames; only the
// header order differs, which no peer depends on). Exchanges <c>_broadcast
// (topic) and <c>_directed (direct) must exist:
//
//	node subscribes       /exchange/<c>_directed/<identity>    id <c>_<identity>_directed_to_identity
//	                      /exchange/<c>_broadcast/<agent>      id <c>_broadcast_<agent>
//	broadcast request     /exchange/<c>_broadcast/<agent>
//	directed request      /exchange/<c>_directed/<node>
//	reply-to              /temp-queue/mcollective_reply_<agent> (no SUBSCRIBE: RabbitMQ
//	                      creates the queue on SEND and delivers with
//	                      subscription:/temp-queue/...; go-stomp's reply-to trick
//	                      registers the local channel)
//	  use_reply_exchange  /exchange/mcollective_reply/<clientid> (SUBSCRIBE, id
//	                      mcollective_<agent>_replies)
//	  agents_multiplex    /exchange/<c>_broadcast, id <c>_broadcast (no agent suffix)
//	request headers       reply-to, expiration, mc_sender
//	reply headers         expiration, mc_sender (sent to the request's reply-to verbatim)
//
// activemq, Ruby 2.12's activemq connector (read in the source, not captured):
//
//	node subscribes       /topic/<c>.<agent>.agent             (multiplexed: /topic/<c>.agents)
//	                      /queue/<c>.nodes with selector "mc_identity = '<identity>'",
//	                      id <c>_directed_to_identity
//	broadcast request     /topic/<c>.<agent>.agent             (multiplexed: /topic/<c>.agents)
//	directed request      /queue/<c>.nodes with header mc_identity:<node>
//	reply-to              /queue/<c>.reply.<clientid> (SUBSCRIBE)
//	request headers       reply-to, timestamp, expires, mc_sender (+ mc_identity)
//	reply headers         timestamp, expires, mc_sender
//
// A broker without selectors (Marionette's embedded broker emulates the
// one selector above, other brokers may not) would hand a node directed
// requests meant for others; Conn therefore drops any message whose
// mc_identity header names another node (see Message.AddressedTo).
//
// stomp, Marionette's own, in the style of MCollective 1.x; it needs no
// broker setup and works on the embedded broker and on RabbitMQ alike
// (where /topic/ means the amq.topic exchange). Topics only, so nothing
// piles up on a broker when nobody listens:
//
//	node subscribes       <prefix><c>.<agent>.command          per agent and collective
//	                      <prefix><c>.node.<identity>          per collective
//	broadcast request     <prefix><c>.<agent>.command
//	directed request      <prefix><c>.node.<node>
//	reply-to              <prefix><c>.reply.<clientid> (SUBSCRIBE)
//	request headers       reply-to, expiration, mc_sender
//	reply headers         expiration, mc_sender
//
// <prefix> is config.Connector.TopicPrefix, "/topic/" when empty.
// Subscription ids are the destinations. agents_multiplex does not apply.
//
// expiration is (ttl + 10 s) in milliseconds as a decimal string (70000 for
// ttl 60); expires and timestamp are milliseconds since the epoch
// (now + ttl + 10 s, and now).
//
// # Connection
//
// Conn keeps one STOMP connection to the first broker of the pool that
// answers and re-establishes it forever (or MaxReconnectAttempts times)
// when it drops. Subscriptions are registered once and re-applied after
// every reconnect. Messages from all subscriptions arrive on one bounded
// Inbox; Send waits for a connection rather than drop a message. Delivery
// is at most once: a message written just before the connection drops may
// be lost, nothing is sent twice.
package transport
