package pipeline

import (
	"encoding/json"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/canonical"
	"github.com/nexport/pcsgate/transports"
)

// eventMessage is the canonical message of e, decoded from what endpoint
// received as from.
func eventMessage(e *canonical.ReleaseEvent, from *message.Message, endpoint string) (*message.Message, error) {
	body, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	out := message.NewMessage(e.ID, body)
	out.Metadata.Set(MetaEventID, e.ID)
	out.Metadata.Set(MetaProfile, e.Source.Profile)
	out.Metadata.Set(transports.MetaEndpoint, endpoint)
	if h := from.Metadata.Get(transports.MetaContentHash); h != "" && from.Metadata.Get(transports.MetaSealFiles) != "true" {
		out.Metadata.Set(MetaRawHash, h)
	}
	if h := from.Metadata.Get(MetaMaskedHash); h != "" {
		out.Metadata.Set(MetaMaskedHash, h)
	}
	middleware.SetCorrelationID(middleware.MessageCorrelationID(from), out)
	return out, nil
}

// copyOf is msg's payload and metadata under uuid, for the next pipe.
func copyOf(uuid string, payload []byte, meta map[string]string) *message.Message {
	out := message.NewMessage(uuid, payload)
	for k, v := range meta {
		out.Metadata.Set(k, v)
	}
	return out
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
