package pipeline

import (
	"errors"
	"strings"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"

	"github.com/nexport/pcsgate/transports"
	"github.com/nexport/pcsgate/transports/store"
)

// deadLetterStage stores what the poison queue sends, with its reason.
func (g *Gateway) deadLetterStage(msg *message.Message) error {
	// The handler of an outbound partition is deliver_<endpoint>.<p>:
	// its dead letters are of the stage deliver_<endpoint>.
	stage, _, _ := strings.Cut(msg.Metadata.Get(middleware.PoisonedHandlerKey), ".")
	reason := msg.Metadata.Get(middleware.ReasonForPoisonedKey)
	err := g.store.InTxReplayable(msg.Context(), func(tx *store.Tx) error {
		return tx.AddDeadLetter(store.DeadLetter{ID: msg.UUID, Stage: stage, Profile: msg.Metadata.Get(MetaProfile),
			Endpoint: msg.Metadata.Get(transports.MetaEndpoint), ReleaseKey: releaseKeyOf(stage, msg),
			Reason: reason, Payload: msg.Payload, Metadata: msg.Metadata})
	})
	if err != nil {
		return err // redelivered: counted and logged once kept
	}
	g.metrics.deadLetters.WithLabelValues(stage).Inc()
	g.logger.Error("dead letter", errors.New(reason), watermill.LogFields{"stage": stage, "uuid": msg.UUID})
	return nil
}

// releaseKeyOf is the release a dead letter of stage belongs to: that of
// its event for the ledger and encode stages, whose payload is the event;
// none for the others, whose payload is a whole message.
func releaseKeyOf(stage string, msg *message.Message) string {
	if stage == "ledger" || stage == "encode" {
		return msg.Metadata.Get(MetaReleaseKey)
	}
	return ""
}
