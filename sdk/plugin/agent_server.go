package plugin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/marionette-mco/marionette/sdk/plugin/pluginpb"
	"github.com/marionette-mco/marionette/sdk/value"
)

// unknownError is MCollective's UnknownError status code.
const unknownError = 5

// agentServer is the plugin process's side of the Agent service.
type agentServer struct {
	pluginpb.UnimplementedAgentServer
	broker *goplugin.GRPCBroker
	impl   Server

	mu   sync.Mutex
	conn *grpc.ClientConn // to the daemon's Host, from Init
	host Host
}

// Init dials the daemon's Host over the broker.
func (s *agentServer) Init(_ context.Context, req *pluginpb.InitRequest) (*pluginpb.InitReply, error) {
	conn, err := s.broker.Dial(req.GetHostBrokerId())
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "dial daemon host service: %v", err)
	}
	s.mu.Lock()
	old := s.conn
	s.conn, s.host = conn, &hostClient{rpc: pluginpb.NewHostClient(conn)}
	s.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
	return &pluginpb.InitReply{Agent: s.impl.Name(), Actions: s.impl.Actions()}, nil
}

// Handle runs one action.
func (s *agentServer) Handle(ctx context.Context, req *pluginpb.HandleRequest) (*pluginpb.HandleReply, error) {
	data, err := value.DecodeObject(req.GetData())
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "request data: %v", err)
	}
	s.mu.Lock()
	host := s.host
	s.mu.Unlock()
	if host == nil {
		host = noHost{}
	}
	rep := s.impl.Handle(ctx, host, &Request{
		Agent:      req.GetAgent(),
		Action:     req.GetAction(),
		Data:       data,
		CallerID:   req.GetCallerId(),
		SenderID:   req.GetSenderId(),
		RequestID:  req.GetRequestId(),
		Collective: req.GetCollective(),
		TTL:        time.Duration(req.GetTtlMs()) * time.Millisecond,
	})
	out, err := value.EncodeObject(rep.Data)
	if err != nil {
		return &pluginpb.HandleReply{
			StatusCode: unknownError,
			StatusMsg:  fmt.Sprintf("action %s: reply data cannot be sent: %v", req.GetAction(), err),
			Data:       []byte("{}"),
		}, nil
	}
	return &pluginpb.HandleReply{StatusCode: int32(rep.StatusCode), StatusMsg: rep.StatusMsg, Data: out}, nil
}

// errNoHost is what Host calls return before the daemon connected one.
var errNoHost = errors.New("no daemon host connected")

// noHost is the Host of a plugin the daemon has not initialised.
type noHost struct{}

func (noHost) Identity(context.Context) (string, error)        { return "", errNoHost }
func (noHost) Fact(context.Context, string) (any, bool, error) { return nil, false, errNoHost }
func (noHost) Facts(context.Context) (map[string]any, error)   { return nil, errNoHost }
func (noHost) Classes(context.Context) ([]string, error)       { return nil, errNoHost }
func (noHost) Config(context.Context, string) (string, bool, error) {
	return "", false, errNoHost
}
func (noHost) Stats(context.Context) (map[string]any, error) { return nil, errNoHost }
func (noHost) Inventory(context.Context) (Inventory, error)  { return Inventory{}, errNoHost }
func (noHost) DataQuery(context.Context, string, string) (map[string]any, error) {
	return nil, errNoHost
}
