import * as $protobuf from "protobufjs";
import Long = require("long");

export namespace cohort {

    namespace v1 {

        interface IEnvelope extends cohort.v1.Envelope.$Properties {
        }

        class Envelope {
            constructor(properties?: cohort.v1.Envelope.$Properties);
            $unknowns?: Uint8Array[];
            version: number;
            jobId: string;
            round: number;
            sender: string;
            seq: number;
            hello?: (cohort.v1.Hello.$Properties|null);
            welcome?: (cohort.v1.Welcome.$Properties|null);
            jobOffer?: (cohort.v1.JobOffer.$Properties|null);
            joinJob?: (cohort.v1.JoinJob.$Properties|null);
            declineJob?: (cohort.v1.DeclineJob.$Properties|null);
            roundConfig?: (cohort.v1.RoundConfig.$Properties|null);
            update?: (cohort.v1.Update.$Properties|null);
            evaluation?: (cohort.v1.Evaluation.$Properties|null);
            roundResult?: (cohort.v1.RoundResult.$Properties|null);
            jobEvent?: (cohort.v1.JobEvent.$Properties|null);
            error?: (cohort.v1.Error.$Properties|null);
            challenge?: (cohort.v1.Challenge.$Properties|null);
            request?: (cohort.v1.Request.$Properties|null);
            reply?: (cohort.v1.Reply.$Properties|null);
            rosterUpdate?: (cohort.v1.RosterUpdate.$Properties|null);
            fragment?: (cohort.v1.Fragment.$Properties|null);
            secaggAdvertise?: (cohort.v1.SecAggAdvertise.$Properties|null);
            secaggKeys?: (cohort.v1.SecAggKeys.$Properties|null);
            secaggShares?: (cohort.v1.SecAggShares.$Properties|null);
            secaggSharesRelay?: (cohort.v1.SecAggShares.$Properties|null);
            secaggMaskedInput?: (cohort.v1.SecAggMaskedInput.$Properties|null);
            secaggSurvivors?: (cohort.v1.SecAggSurvivors.$Properties|null);
            secaggConsistency?: (cohort.v1.SecAggConsistency.$Properties|null);
            secaggUnmaskRequest?: (cohort.v1.SecAggUnmaskRequest.$Properties|null);
            secaggUnmask?: (cohort.v1.SecAggUnmask.$Properties|null);
            secaggCommitments?: (cohort.v1.SecAggCommitments.$Properties|null);
            secaggReveal?: (cohort.v1.SecAggReveal.$Properties|null);
            ledgerCosignature?: (cohort.v1.LedgerCosignature.$Properties|null);
            body?: ("hello"|"welcome"|"jobOffer"|"joinJob"|"declineJob"|"roundConfig"|"update"|"evaluation"|"roundResult"|"jobEvent"|"error"|"challenge"|"request"|"reply"|"rosterUpdate"|"fragment"|"secaggAdvertise"|"secaggKeys"|"secaggShares"|"secaggSharesRelay"|"secaggMaskedInput"|"secaggSurvivors"|"secaggConsistency"|"secaggUnmaskRequest"|"secaggUnmask"|"secaggCommitments"|"secaggReveal"|"ledgerCosignature");
            static create(properties: cohort.v1.Envelope.$Shape): cohort.v1.Envelope & cohort.v1.Envelope.$Shape;
            static create(properties?: cohort.v1.Envelope.$Properties): cohort.v1.Envelope;
            static encode(message: cohort.v1.Envelope.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Envelope & cohort.v1.Envelope.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Envelope {
            interface $Properties {
                version?: (number|null);
                jobId?: (string|null);
                round?: (number|null);
                sender?: (string|null);
                seq?: (number|null);
                hello?: (cohort.v1.Hello.$Properties|null);
                welcome?: (cohort.v1.Welcome.$Properties|null);
                jobOffer?: (cohort.v1.JobOffer.$Properties|null);
                joinJob?: (cohort.v1.JoinJob.$Properties|null);
                declineJob?: (cohort.v1.DeclineJob.$Properties|null);
                roundConfig?: (cohort.v1.RoundConfig.$Properties|null);
                update?: (cohort.v1.Update.$Properties|null);
                evaluation?: (cohort.v1.Evaluation.$Properties|null);
                roundResult?: (cohort.v1.RoundResult.$Properties|null);
                jobEvent?: (cohort.v1.JobEvent.$Properties|null);
                error?: (cohort.v1.Error.$Properties|null);
                challenge?: (cohort.v1.Challenge.$Properties|null);
                request?: (cohort.v1.Request.$Properties|null);
                reply?: (cohort.v1.Reply.$Properties|null);
                rosterUpdate?: (cohort.v1.RosterUpdate.$Properties|null);
                fragment?: (cohort.v1.Fragment.$Properties|null);
                secaggAdvertise?: (cohort.v1.SecAggAdvertise.$Properties|null);
                secaggKeys?: (cohort.v1.SecAggKeys.$Properties|null);
                secaggShares?: (cohort.v1.SecAggShares.$Properties|null);
                secaggSharesRelay?: (cohort.v1.SecAggShares.$Properties|null);
                secaggMaskedInput?: (cohort.v1.SecAggMaskedInput.$Properties|null);
                secaggSurvivors?: (cohort.v1.SecAggSurvivors.$Properties|null);
                secaggConsistency?: (cohort.v1.SecAggConsistency.$Properties|null);
                secaggUnmaskRequest?: (cohort.v1.SecAggUnmaskRequest.$Properties|null);
                secaggUnmask?: (cohort.v1.SecAggUnmask.$Properties|null);
                secaggCommitments?: (cohort.v1.SecAggCommitments.$Properties|null);
                secaggReveal?: (cohort.v1.SecAggReveal.$Properties|null);
                ledgerCosignature?: (cohort.v1.LedgerCosignature.$Properties|null);
                body?: ("hello"|"welcome"|"jobOffer"|"joinJob"|"declineJob"|"roundConfig"|"update"|"evaluation"|"roundResult"|"jobEvent"|"error"|"challenge"|"request"|"reply"|"rosterUpdate"|"fragment"|"secaggAdvertise"|"secaggKeys"|"secaggShares"|"secaggSharesRelay"|"secaggMaskedInput"|"secaggSurvivors"|"secaggConsistency"|"secaggUnmaskRequest"|"secaggUnmask"|"secaggCommitments"|"secaggReveal"|"ledgerCosignature");
                $unknowns?: Uint8Array[];
            }
            type $Shape = {
              version?: number|null;
              jobId?: string|null;
              round?: number|null;
              sender?: string|null;
              seq?: number|null;
              hello?: cohort.v1.Hello.$Shape|null;
              welcome?: cohort.v1.Welcome.$Shape|null;
              jobOffer?: cohort.v1.JobOffer.$Shape|null;
              joinJob?: cohort.v1.JoinJob.$Shape|null;
              declineJob?: cohort.v1.DeclineJob.$Shape|null;
              roundConfig?: cohort.v1.RoundConfig.$Shape|null;
              update?: cohort.v1.Update.$Shape|null;
              evaluation?: cohort.v1.Evaluation.$Shape|null;
              roundResult?: cohort.v1.RoundResult.$Shape|null;
              jobEvent?: cohort.v1.JobEvent.$Shape|null;
              error?: cohort.v1.Error.$Shape|null;
              challenge?: cohort.v1.Challenge.$Shape|null;
              request?: cohort.v1.Request.$Shape|null;
              reply?: cohort.v1.Reply.$Shape|null;
              rosterUpdate?: cohort.v1.RosterUpdate.$Shape|null;
              fragment?: cohort.v1.Fragment.$Shape|null;
              secaggAdvertise?: cohort.v1.SecAggAdvertise.$Shape|null;
              secaggKeys?: cohort.v1.SecAggKeys.$Shape|null;
              secaggShares?: cohort.v1.SecAggShares.$Shape|null;
              secaggSharesRelay?: cohort.v1.SecAggShares.$Shape|null;
              secaggMaskedInput?: cohort.v1.SecAggMaskedInput.$Shape|null;
              secaggSurvivors?: cohort.v1.SecAggSurvivors.$Shape|null;
              secaggConsistency?: cohort.v1.SecAggConsistency.$Shape|null;
              secaggUnmaskRequest?: cohort.v1.SecAggUnmaskRequest.$Shape|null;
              secaggUnmask?: cohort.v1.SecAggUnmask.$Shape|null;
              secaggCommitments?: cohort.v1.SecAggCommitments.$Shape|null;
              secaggReveal?: cohort.v1.SecAggReveal.$Shape|null;
              ledgerCosignature?: cohort.v1.LedgerCosignature.$Shape|null;
              $unknowns?: Uint8Array[];
            } & (
              ({ body?: undefined; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "hello"; hello: cohort.v1.Hello.$Shape; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "welcome"; hello?: null; welcome: cohort.v1.Welcome.$Shape; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "jobOffer"; hello?: null; welcome?: null; jobOffer: cohort.v1.JobOffer.$Shape; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "joinJob"; hello?: null; welcome?: null; jobOffer?: null; joinJob: cohort.v1.JoinJob.$Shape; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "declineJob"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob: cohort.v1.DeclineJob.$Shape; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "roundConfig"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig: cohort.v1.RoundConfig.$Shape; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "update"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update: cohort.v1.Update.$Shape; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "evaluation"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation: cohort.v1.Evaluation.$Shape; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "roundResult"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult: cohort.v1.RoundResult.$Shape; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "jobEvent"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent: cohort.v1.JobEvent.$Shape; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "error"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error: cohort.v1.Error.$Shape; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "challenge"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge: cohort.v1.Challenge.$Shape; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "request"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request: cohort.v1.Request.$Shape; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "reply"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply: cohort.v1.Reply.$Shape; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "rosterUpdate"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate: cohort.v1.RosterUpdate.$Shape; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "fragment"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment: cohort.v1.Fragment.$Shape; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggAdvertise"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise: cohort.v1.SecAggAdvertise.$Shape; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggKeys"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys: cohort.v1.SecAggKeys.$Shape; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggShares"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares: cohort.v1.SecAggShares.$Shape; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggSharesRelay"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay: cohort.v1.SecAggShares.$Shape; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggMaskedInput"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput: cohort.v1.SecAggMaskedInput.$Shape; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggSurvivors"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors: cohort.v1.SecAggSurvivors.$Shape; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggConsistency"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency: cohort.v1.SecAggConsistency.$Shape; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggUnmaskRequest"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest: cohort.v1.SecAggUnmaskRequest.$Shape; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggUnmask"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask: cohort.v1.SecAggUnmask.$Shape; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggCommitments"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments: cohort.v1.SecAggCommitments.$Shape; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggReveal"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal: cohort.v1.SecAggReveal.$Shape; ledgerCosignature?: null }|{ body?: "ledgerCosignature"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature: cohort.v1.LedgerCosignature.$Shape })
            );
        }

        interface ITensor extends cohort.v1.Tensor.$Properties {
        }

        class Tensor {
            constructor(properties?: cohort.v1.Tensor.$Properties);
            $unknowns?: Uint8Array[];
            shape: number[];
            data: Uint8Array;
            static create(properties: cohort.v1.Tensor.$Shape): cohort.v1.Tensor & cohort.v1.Tensor.$Shape;
            static create(properties?: cohort.v1.Tensor.$Properties): cohort.v1.Tensor;
            static encode(message: cohort.v1.Tensor.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Tensor & cohort.v1.Tensor.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Tensor {
            interface $Properties {
                shape?: (number[]|null);
                data?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Tensor.$Properties;
        }

        interface IHello extends cohort.v1.Hello.$Properties {
        }

        class Hello {
            constructor(properties?: cohort.v1.Hello.$Properties);
            $unknowns?: Uint8Array[];
            name: string;
            software: string;
            datasets: cohort.v1.DatasetInfo.$Properties[];
            identityKey: Uint8Array;
            handshakeSignature: Uint8Array;
            handshakeTimestampMs: (number|Long);
            static create(properties: cohort.v1.Hello.$Shape): cohort.v1.Hello & cohort.v1.Hello.$Shape;
            static create(properties?: cohort.v1.Hello.$Properties): cohort.v1.Hello;
            static encode(message: cohort.v1.Hello.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Hello & cohort.v1.Hello.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Hello {
            interface $Properties {
                name?: (string|null);
                software?: (string|null);
                datasets?: (cohort.v1.DatasetInfo.$Properties[]|null);
                identityKey?: (Uint8Array|null);
                handshakeSignature?: (Uint8Array|null);
                handshakeTimestampMs?: (number|Long|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Hello.$Properties;
        }

        interface IChallenge extends cohort.v1.Challenge.$Properties {
        }

        class Challenge {
            constructor(properties?: cohort.v1.Challenge.$Properties);
            $unknowns?: Uint8Array[];
            nonce: Uint8Array;
            coordinatorId: string;
            timestampMs: (number|Long);
            static create(properties: cohort.v1.Challenge.$Shape): cohort.v1.Challenge & cohort.v1.Challenge.$Shape;
            static create(properties?: cohort.v1.Challenge.$Properties): cohort.v1.Challenge;
            static encode(message: cohort.v1.Challenge.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Challenge & cohort.v1.Challenge.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Challenge {
            interface $Properties {
                nonce?: (Uint8Array|null);
                coordinatorId?: (string|null);
                timestampMs?: (number|Long|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Challenge.$Properties;
        }

        interface IDatasetInfo extends cohort.v1.DatasetInfo.$Properties {
        }

        class DatasetInfo {
            constructor(properties?: cohort.v1.DatasetInfo.$Properties);
            $unknowns?: Uint8Array[];
            schemaId: string;
            features: string[];
            label: string;
            static create(properties: cohort.v1.DatasetInfo.$Shape): cohort.v1.DatasetInfo & cohort.v1.DatasetInfo.$Shape;
            static create(properties?: cohort.v1.DatasetInfo.$Properties): cohort.v1.DatasetInfo;
            static encode(message: cohort.v1.DatasetInfo.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.DatasetInfo & cohort.v1.DatasetInfo.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace DatasetInfo {
            interface $Properties {
                schemaId?: (string|null);
                features?: (string[]|null);
                label?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.DatasetInfo.$Properties;
        }

        interface IWelcome extends cohort.v1.Welcome.$Properties {
        }

        class Welcome {
            constructor(properties?: cohort.v1.Welcome.$Properties);
            $unknowns?: Uint8Array[];
            coordinatorId: string;
            maxFrameBytes: number;
            ledgerKey: Uint8Array;
            rosterJson: string;
            liveJobs: string[];
            maxMessageBytes: number;
            static create(properties: cohort.v1.Welcome.$Shape): cohort.v1.Welcome & cohort.v1.Welcome.$Shape;
            static create(properties?: cohort.v1.Welcome.$Properties): cohort.v1.Welcome;
            static encode(message: cohort.v1.Welcome.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Welcome & cohort.v1.Welcome.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Welcome {
            interface $Properties {
                coordinatorId?: (string|null);
                maxFrameBytes?: (number|null);
                ledgerKey?: (Uint8Array|null);
                rosterJson?: (string|null);
                liveJobs?: (string[]|null);
                maxMessageBytes?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Welcome.$Properties;
        }

        interface IFragment extends cohort.v1.Fragment.$Properties {
        }

        class Fragment {
            constructor(properties?: cohort.v1.Fragment.$Properties);
            $unknowns?: Uint8Array[];
            messageId: number;
            index: number;
            count: number;
            totalBytes: number;
            data: Uint8Array;
            static create(properties: cohort.v1.Fragment.$Shape): cohort.v1.Fragment & cohort.v1.Fragment.$Shape;
            static create(properties?: cohort.v1.Fragment.$Properties): cohort.v1.Fragment;
            static encode(message: cohort.v1.Fragment.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Fragment & cohort.v1.Fragment.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Fragment {
            interface $Properties {
                messageId?: (number|null);
                index?: (number|null);
                count?: (number|null);
                totalBytes?: (number|null);
                data?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Fragment.$Properties;
        }

        interface IRosterUpdate extends cohort.v1.RosterUpdate.$Properties {
        }

        class RosterUpdate {
            constructor(properties?: cohort.v1.RosterUpdate.$Properties);
            $unknowns?: Uint8Array[];
            chainJson: string;
            static create(properties: cohort.v1.RosterUpdate.$Shape): cohort.v1.RosterUpdate & cohort.v1.RosterUpdate.$Shape;
            static create(properties?: cohort.v1.RosterUpdate.$Properties): cohort.v1.RosterUpdate;
            static encode(message: cohort.v1.RosterUpdate.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.RosterUpdate & cohort.v1.RosterUpdate.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace RosterUpdate {
            interface $Properties {
                chainJson?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.RosterUpdate.$Properties;
        }

        interface IJobOffer extends cohort.v1.JobOffer.$Properties {
        }

        class JobOffer {
            constructor(properties?: cohort.v1.JobOffer.$Properties);
            $unknowns?: Uint8Array[];
            owner: string;
            specJson: string;
            static create(properties: cohort.v1.JobOffer.$Shape): cohort.v1.JobOffer & cohort.v1.JobOffer.$Shape;
            static create(properties?: cohort.v1.JobOffer.$Properties): cohort.v1.JobOffer;
            static encode(message: cohort.v1.JobOffer.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.JobOffer & cohort.v1.JobOffer.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace JobOffer {
            interface $Properties {
                owner?: (string|null);
                specJson?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.JobOffer.$Properties;
        }

        interface IJoinJob extends cohort.v1.JoinJob.$Properties {
        }

        class JoinJob {
            constructor(properties?: cohort.v1.JoinJob.$Properties);
            $unknowns?: Uint8Array[];
            weight: number;
            static create(properties: cohort.v1.JoinJob.$Shape): cohort.v1.JoinJob & cohort.v1.JoinJob.$Shape;
            static create(properties?: cohort.v1.JoinJob.$Properties): cohort.v1.JoinJob;
            static encode(message: cohort.v1.JoinJob.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.JoinJob & cohort.v1.JoinJob.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace JoinJob {
            interface $Properties {
                weight?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.JoinJob.$Properties;
        }

        interface IDeclineJob extends cohort.v1.DeclineJob.$Properties {
        }

        class DeclineJob {
            constructor(properties?: cohort.v1.DeclineJob.$Properties);
            $unknowns?: Uint8Array[];
            code: string;
            reason: string;
            static create(properties: cohort.v1.DeclineJob.$Shape): cohort.v1.DeclineJob & cohort.v1.DeclineJob.$Shape;
            static create(properties?: cohort.v1.DeclineJob.$Properties): cohort.v1.DeclineJob;
            static encode(message: cohort.v1.DeclineJob.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.DeclineJob & cohort.v1.DeclineJob.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace DeclineJob {
            interface $Properties {
                code?: (string|null);
                reason?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.DeclineJob.$Properties;
        }

        interface IRoundConfig extends cohort.v1.RoundConfig.$Properties {
        }

        class RoundConfig {
            constructor(properties?: cohort.v1.RoundConfig.$Properties);
            $unknowns?: Uint8Array[];
            weights?: (cohort.v1.Tensor.$Properties|null);
            train: boolean;
            deadlineUnixMs: number;
            seed: number;
            secagg?: (cohort.v1.SecAggParams.$Properties|null);
            static create(properties: cohort.v1.RoundConfig.$Shape): cohort.v1.RoundConfig & cohort.v1.RoundConfig.$Shape;
            static create(properties?: cohort.v1.RoundConfig.$Properties): cohort.v1.RoundConfig;
            static encode(message: cohort.v1.RoundConfig.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.RoundConfig & cohort.v1.RoundConfig.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace RoundConfig {
            interface $Properties {
                weights?: (cohort.v1.Tensor.$Properties|null);
                train?: (boolean|null);
                deadlineUnixMs?: (number|null);
                seed?: (number|null);
                secagg?: (cohort.v1.SecAggParams.$Properties|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.RoundConfig.$Properties;
        }

        interface ISecAggParams extends cohort.v1.SecAggParams.$Properties {
        }

        class SecAggParams {
            constructor(properties?: cohort.v1.SecAggParams.$Properties);
            $unknowns?: Uint8Array[];
            bits: number;
            threshold: number;
            degree: number;
            clip: number;
            participants: string[];
            totalExamples: number;
            attempt: number;
            rosterHash: Uint8Array;
            static create(properties: cohort.v1.SecAggParams.$Shape): cohort.v1.SecAggParams & cohort.v1.SecAggParams.$Shape;
            static create(properties?: cohort.v1.SecAggParams.$Properties): cohort.v1.SecAggParams;
            static encode(message: cohort.v1.SecAggParams.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggParams & cohort.v1.SecAggParams.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggParams {
            interface $Properties {
                bits?: (number|null);
                threshold?: (number|null);
                degree?: (number|null);
                clip?: (number|null);
                participants?: (string[]|null);
                totalExamples?: (number|null);
                attempt?: (number|null);
                rosterHash?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggParams.$Properties;
        }

        interface ISecAggAdvertise extends cohort.v1.SecAggAdvertise.$Properties {
        }

        class SecAggAdvertise {
            constructor(properties?: cohort.v1.SecAggAdvertise.$Properties);
            $unknowns?: Uint8Array[];
            cPk: Uint8Array;
            sPk: Uint8Array;
            signature: Uint8Array;
            seedCommit: Uint8Array;
            maskCommit: Uint8Array;
            static create(properties: cohort.v1.SecAggAdvertise.$Shape): cohort.v1.SecAggAdvertise & cohort.v1.SecAggAdvertise.$Shape;
            static create(properties?: cohort.v1.SecAggAdvertise.$Properties): cohort.v1.SecAggAdvertise;
            static encode(message: cohort.v1.SecAggAdvertise.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggAdvertise & cohort.v1.SecAggAdvertise.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggAdvertise {
            interface $Properties {
                cPk?: (Uint8Array|null);
                sPk?: (Uint8Array|null);
                signature?: (Uint8Array|null);
                seedCommit?: (Uint8Array|null);
                maskCommit?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggAdvertise.$Properties;
        }

        interface INamedBytes extends cohort.v1.NamedBytes.$Properties {
        }

        class NamedBytes {
            constructor(properties?: cohort.v1.NamedBytes.$Properties);
            $unknowns?: Uint8Array[];
            name: string;
            value: Uint8Array;
            static create(properties: cohort.v1.NamedBytes.$Shape): cohort.v1.NamedBytes & cohort.v1.NamedBytes.$Shape;
            static create(properties?: cohort.v1.NamedBytes.$Properties): cohort.v1.NamedBytes;
            static encode(message: cohort.v1.NamedBytes.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.NamedBytes & cohort.v1.NamedBytes.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace NamedBytes {
            interface $Properties {
                name?: (string|null);
                value?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.NamedBytes.$Properties;
        }

        interface ISecAggCommitments extends cohort.v1.SecAggCommitments.$Properties {
        }

        class SecAggCommitments {
            constructor(properties?: cohort.v1.SecAggCommitments.$Properties);
            $unknowns?: Uint8Array[];
            commitments: cohort.v1.NamedBytes.$Properties[];
            static create(properties: cohort.v1.SecAggCommitments.$Shape): cohort.v1.SecAggCommitments & cohort.v1.SecAggCommitments.$Shape;
            static create(properties?: cohort.v1.SecAggCommitments.$Properties): cohort.v1.SecAggCommitments;
            static encode(message: cohort.v1.SecAggCommitments.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggCommitments & cohort.v1.SecAggCommitments.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggCommitments {
            interface $Properties {
                commitments?: (cohort.v1.NamedBytes.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggCommitments.$Properties;
        }

        interface ISecAggReveal extends cohort.v1.SecAggReveal.$Properties {
        }

        class SecAggReveal {
            constructor(properties?: cohort.v1.SecAggReveal.$Properties);
            $unknowns?: Uint8Array[];
            nonce: Uint8Array;
            static create(properties: cohort.v1.SecAggReveal.$Shape): cohort.v1.SecAggReveal & cohort.v1.SecAggReveal.$Shape;
            static create(properties?: cohort.v1.SecAggReveal.$Properties): cohort.v1.SecAggReveal;
            static encode(message: cohort.v1.SecAggReveal.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggReveal & cohort.v1.SecAggReveal.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggReveal {
            interface $Properties {
                nonce?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggReveal.$Properties;
        }

        interface ISecAggKeys extends cohort.v1.SecAggKeys.$Properties {
        }

        class SecAggKeys {
            constructor(properties?: cohort.v1.SecAggKeys.$Properties);
            $unknowns?: Uint8Array[];
            clients: cohort.v1.SecAggClientKeys.$Properties[];
            reveals: cohort.v1.NamedBytes.$Properties[];
            static create(properties: cohort.v1.SecAggKeys.$Shape): cohort.v1.SecAggKeys & cohort.v1.SecAggKeys.$Shape;
            static create(properties?: cohort.v1.SecAggKeys.$Properties): cohort.v1.SecAggKeys;
            static encode(message: cohort.v1.SecAggKeys.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggKeys & cohort.v1.SecAggKeys.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggKeys {
            interface $Properties {
                clients?: (cohort.v1.SecAggClientKeys.$Properties[]|null);
                reveals?: (cohort.v1.NamedBytes.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggKeys.$Properties;
        }

        interface ISecAggClientKeys extends cohort.v1.SecAggClientKeys.$Properties {
        }

        class SecAggClientKeys {
            constructor(properties?: cohort.v1.SecAggClientKeys.$Properties);
            $unknowns?: Uint8Array[];
            name: string;
            cPk: Uint8Array;
            sPk: Uint8Array;
            signature: Uint8Array;
            seedCommit: Uint8Array;
            maskCommit: Uint8Array;
            static create(properties: cohort.v1.SecAggClientKeys.$Shape): cohort.v1.SecAggClientKeys & cohort.v1.SecAggClientKeys.$Shape;
            static create(properties?: cohort.v1.SecAggClientKeys.$Properties): cohort.v1.SecAggClientKeys;
            static encode(message: cohort.v1.SecAggClientKeys.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggClientKeys & cohort.v1.SecAggClientKeys.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggClientKeys {
            interface $Properties {
                name?: (string|null);
                cPk?: (Uint8Array|null);
                sPk?: (Uint8Array|null);
                signature?: (Uint8Array|null);
                seedCommit?: (Uint8Array|null);
                maskCommit?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggClientKeys.$Properties;
        }

        interface ISecAggShares extends cohort.v1.SecAggShares.$Properties {
        }

        class SecAggShares {
            constructor(properties?: cohort.v1.SecAggShares.$Properties);
            $unknowns?: Uint8Array[];
            shares: cohort.v1.NamedBytes.$Properties[];
            static create(properties: cohort.v1.SecAggShares.$Shape): cohort.v1.SecAggShares & cohort.v1.SecAggShares.$Shape;
            static create(properties?: cohort.v1.SecAggShares.$Properties): cohort.v1.SecAggShares;
            static encode(message: cohort.v1.SecAggShares.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggShares & cohort.v1.SecAggShares.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggShares {
            interface $Properties {
                shares?: (cohort.v1.NamedBytes.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggShares.$Properties;
        }

        interface ISecAggMaskedInput extends cohort.v1.SecAggMaskedInput.$Properties {
        }

        class SecAggMaskedInput {
            constructor(properties?: cohort.v1.SecAggMaskedInput.$Properties);
            $unknowns?: Uint8Array[];
            masked: Uint8Array;
            rejected: string[];
            static create(properties: cohort.v1.SecAggMaskedInput.$Shape): cohort.v1.SecAggMaskedInput & cohort.v1.SecAggMaskedInput.$Shape;
            static create(properties?: cohort.v1.SecAggMaskedInput.$Properties): cohort.v1.SecAggMaskedInput;
            static encode(message: cohort.v1.SecAggMaskedInput.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggMaskedInput & cohort.v1.SecAggMaskedInput.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggMaskedInput {
            interface $Properties {
                masked?: (Uint8Array|null);
                rejected?: (string[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggMaskedInput.$Properties;
        }

        interface ISecAggSurvivors extends cohort.v1.SecAggSurvivors.$Properties {
        }

        class SecAggSurvivors {
            constructor(properties?: cohort.v1.SecAggSurvivors.$Properties);
            $unknowns?: Uint8Array[];
            survivors: string[];
            static create(properties: cohort.v1.SecAggSurvivors.$Shape): cohort.v1.SecAggSurvivors & cohort.v1.SecAggSurvivors.$Shape;
            static create(properties?: cohort.v1.SecAggSurvivors.$Properties): cohort.v1.SecAggSurvivors;
            static encode(message: cohort.v1.SecAggSurvivors.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggSurvivors & cohort.v1.SecAggSurvivors.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggSurvivors {
            interface $Properties {
                survivors?: (string[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggSurvivors.$Properties;
        }

        interface ISecAggConsistency extends cohort.v1.SecAggConsistency.$Properties {
        }

        class SecAggConsistency {
            constructor(properties?: cohort.v1.SecAggConsistency.$Properties);
            $unknowns?: Uint8Array[];
            signature: Uint8Array;
            static create(properties: cohort.v1.SecAggConsistency.$Shape): cohort.v1.SecAggConsistency & cohort.v1.SecAggConsistency.$Shape;
            static create(properties?: cohort.v1.SecAggConsistency.$Properties): cohort.v1.SecAggConsistency;
            static encode(message: cohort.v1.SecAggConsistency.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggConsistency & cohort.v1.SecAggConsistency.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggConsistency {
            interface $Properties {
                signature?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggConsistency.$Properties;
        }

        interface ISecAggUnmaskRequest extends cohort.v1.SecAggUnmaskRequest.$Properties {
        }

        class SecAggUnmaskRequest {
            constructor(properties?: cohort.v1.SecAggUnmaskRequest.$Properties);
            $unknowns?: Uint8Array[];
            signatures: cohort.v1.NamedBytes.$Properties[];
            static create(properties: cohort.v1.SecAggUnmaskRequest.$Shape): cohort.v1.SecAggUnmaskRequest & cohort.v1.SecAggUnmaskRequest.$Shape;
            static create(properties?: cohort.v1.SecAggUnmaskRequest.$Properties): cohort.v1.SecAggUnmaskRequest;
            static encode(message: cohort.v1.SecAggUnmaskRequest.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggUnmaskRequest & cohort.v1.SecAggUnmaskRequest.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggUnmaskRequest {
            interface $Properties {
                signatures?: (cohort.v1.NamedBytes.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggUnmaskRequest.$Properties;
        }

        interface ISecAggUnmask extends cohort.v1.SecAggUnmask.$Properties {
        }

        class SecAggUnmask {
            constructor(properties?: cohort.v1.SecAggUnmask.$Properties);
            $unknowns?: Uint8Array[];
            selfMaskShares: cohort.v1.NamedBytes.$Properties[];
            keyShares: cohort.v1.NamedBytes.$Properties[];
            static create(properties: cohort.v1.SecAggUnmask.$Shape): cohort.v1.SecAggUnmask & cohort.v1.SecAggUnmask.$Shape;
            static create(properties?: cohort.v1.SecAggUnmask.$Properties): cohort.v1.SecAggUnmask;
            static encode(message: cohort.v1.SecAggUnmask.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.SecAggUnmask & cohort.v1.SecAggUnmask.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace SecAggUnmask {
            interface $Properties {
                selfMaskShares?: (cohort.v1.NamedBytes.$Properties[]|null);
                keyShares?: (cohort.v1.NamedBytes.$Properties[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.SecAggUnmask.$Properties;
        }

        interface IUpdate extends cohort.v1.Update.$Properties {
        }

        class Update {
            constructor(properties?: cohort.v1.Update.$Properties);
            $unknowns?: Uint8Array[];
            delta?: (cohort.v1.Tensor.$Properties|null);
            numExamples: number;
            trainLoss: number;
            steps: number;
            static create(properties: cohort.v1.Update.$Shape): cohort.v1.Update & cohort.v1.Update.$Shape;
            static create(properties?: cohort.v1.Update.$Properties): cohort.v1.Update;
            static encode(message: cohort.v1.Update.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Update & cohort.v1.Update.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Update {
            interface $Properties {
                delta?: (cohort.v1.Tensor.$Properties|null);
                numExamples?: (number|null);
                trainLoss?: (number|null);
                steps?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Update.$Properties;
        }

        interface IEvaluation extends cohort.v1.Evaluation.$Properties {
        }

        class Evaluation {
            constructor(properties?: cohort.v1.Evaluation.$Properties);
            $unknowns?: Uint8Array[];
            metrics?: (cohort.v1.Metrics.$Properties|null);
            noisy?: (cohort.v1.NoisyCounts.$Properties|null);
            withheld: boolean;
            static create(properties: cohort.v1.Evaluation.$Shape): cohort.v1.Evaluation & cohort.v1.Evaluation.$Shape;
            static create(properties?: cohort.v1.Evaluation.$Properties): cohort.v1.Evaluation;
            static encode(message: cohort.v1.Evaluation.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Evaluation & cohort.v1.Evaluation.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Evaluation {
            interface $Properties {
                metrics?: (cohort.v1.Metrics.$Properties|null);
                noisy?: (cohort.v1.NoisyCounts.$Properties|null);
                withheld?: (boolean|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Evaluation.$Properties;
        }

        interface INoisyCounts extends cohort.v1.NoisyCounts.$Properties {
        }

        class NoisyCounts {
            constructor(properties?: cohort.v1.NoisyCounts.$Properties);
            $unknowns?: Uint8Array[];
            truePositive: number;
            falsePositive: number;
            trueNegative: number;
            falseNegative: number;
            sigma: number;
            static create(properties: cohort.v1.NoisyCounts.$Shape): cohort.v1.NoisyCounts & cohort.v1.NoisyCounts.$Shape;
            static create(properties?: cohort.v1.NoisyCounts.$Properties): cohort.v1.NoisyCounts;
            static encode(message: cohort.v1.NoisyCounts.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.NoisyCounts & cohort.v1.NoisyCounts.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace NoisyCounts {
            interface $Properties {
                truePositive?: (number|null);
                falsePositive?: (number|null);
                trueNegative?: (number|null);
                falseNegative?: (number|null);
                sigma?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.NoisyCounts.$Properties;
        }

        interface IMetrics extends cohort.v1.Metrics.$Properties {
        }

        class Metrics {
            constructor(properties?: cohort.v1.Metrics.$Properties);
            $unknowns?: Uint8Array[];
            numExamples: number;
            numCorrect: number;
            loss: number;
            accuracy: number;
            auc?: (number|null);
            cIndex?: (number|null);
            balancedAccuracy?: (number|null);
            hammingAccuracy?: (number|null);
            mse?: (number|null);
            mae?: (number|null);
            r2?: (number|null);
            static create(properties: cohort.v1.Metrics.$Shape): cohort.v1.Metrics & cohort.v1.Metrics.$Shape;
            static create(properties?: cohort.v1.Metrics.$Properties): cohort.v1.Metrics;
            static encode(message: cohort.v1.Metrics.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Metrics & cohort.v1.Metrics.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Metrics {
            interface $Properties {
                numExamples?: (number|null);
                numCorrect?: (number|null);
                loss?: (number|null);
                accuracy?: (number|null);
                auc?: (number|null);
                cIndex?: (number|null);
                balancedAccuracy?: (number|null);
                hammingAccuracy?: (number|null);
                mse?: (number|null);
                mae?: (number|null);
                r2?: (number|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Metrics.$Properties;
        }

        interface IRoundResult extends cohort.v1.RoundResult.$Properties {
        }

        class RoundResult {
            constructor(properties?: cohort.v1.RoundResult.$Properties);
            $unknowns?: Uint8Array[];
            participants: number;
            dropped: number;
            metrics?: (cohort.v1.Metrics.$Properties|null);
            ledgerEntry?: (cohort.v1.LedgerEntry.$Properties|null);
            static create(properties: cohort.v1.RoundResult.$Shape): cohort.v1.RoundResult & cohort.v1.RoundResult.$Shape;
            static create(properties?: cohort.v1.RoundResult.$Properties): cohort.v1.RoundResult;
            static encode(message: cohort.v1.RoundResult.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.RoundResult & cohort.v1.RoundResult.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace RoundResult {
            interface $Properties {
                participants?: (number|null);
                dropped?: (number|null);
                metrics?: (cohort.v1.Metrics.$Properties|null);
                ledgerEntry?: (cohort.v1.LedgerEntry.$Properties|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.RoundResult.$Properties;
        }

        interface ILedgerEntry extends cohort.v1.LedgerEntry.$Properties {
        }

        class LedgerEntry {
            constructor(properties?: cohort.v1.LedgerEntry.$Properties);
            $unknowns?: Uint8Array[];
            seq: number;
            canonical: string;
            hash: string;
            signature: string;
            static create(properties: cohort.v1.LedgerEntry.$Shape): cohort.v1.LedgerEntry & cohort.v1.LedgerEntry.$Shape;
            static create(properties?: cohort.v1.LedgerEntry.$Properties): cohort.v1.LedgerEntry;
            static encode(message: cohort.v1.LedgerEntry.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.LedgerEntry & cohort.v1.LedgerEntry.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace LedgerEntry {
            interface $Properties {
                seq?: (number|null);
                canonical?: (string|null);
                hash?: (string|null);
                signature?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.LedgerEntry.$Properties;
        }

        interface ILedgerCosignature extends cohort.v1.LedgerCosignature.$Properties {
        }

        class LedgerCosignature {
            constructor(properties?: cohort.v1.LedgerCosignature.$Properties);
            $unknowns?: Uint8Array[];
            size: number;
            root: Uint8Array;
            timestamp: (number|Long);
            signature: Uint8Array;
            static create(properties: cohort.v1.LedgerCosignature.$Shape): cohort.v1.LedgerCosignature & cohort.v1.LedgerCosignature.$Shape;
            static create(properties?: cohort.v1.LedgerCosignature.$Properties): cohort.v1.LedgerCosignature;
            static encode(message: cohort.v1.LedgerCosignature.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.LedgerCosignature & cohort.v1.LedgerCosignature.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace LedgerCosignature {
            interface $Properties {
                size?: (number|null);
                root?: (Uint8Array|null);
                timestamp?: (number|Long|null);
                signature?: (Uint8Array|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.LedgerCosignature.$Properties;
        }

        interface IJobEvent extends cohort.v1.JobEvent.$Properties {
        }

        class JobEvent {
            constructor(properties?: cohort.v1.JobEvent.$Properties);
            $unknowns?: Uint8Array[];
            kind: cohort.v1.JobEvent.Kind;
            reason: string;
            static create(properties: cohort.v1.JobEvent.$Shape): cohort.v1.JobEvent & cohort.v1.JobEvent.$Shape;
            static create(properties?: cohort.v1.JobEvent.$Properties): cohort.v1.JobEvent;
            static encode(message: cohort.v1.JobEvent.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.JobEvent & cohort.v1.JobEvent.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace JobEvent {
            interface $Properties {
                kind?: (cohort.v1.JobEvent.Kind|null);
                reason?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.JobEvent.$Properties;

            enum Kind {
                KIND_UNSPECIFIED = 0,
                STARTED = 1,
                COMPLETED = 2,
                FAILED = 3,
                CANCELLED = 4
            }
        }

        interface IError extends cohort.v1.Error.$Properties {
        }

        class Error {
            constructor(properties?: cohort.v1.Error.$Properties);
            $unknowns?: Uint8Array[];
            code: string;
            message: string;
            static create(properties: cohort.v1.Error.$Shape): cohort.v1.Error & cohort.v1.Error.$Shape;
            static create(properties?: cohort.v1.Error.$Properties): cohort.v1.Error;
            static encode(message: cohort.v1.Error.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Error & cohort.v1.Error.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Error {
            interface $Properties {
                code?: (string|null);
                message?: (string|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Error.$Properties;
        }

        interface IRequest extends cohort.v1.Request.$Properties {
        }

        class Request {
            constructor(properties?: cohort.v1.Request.$Properties);
            $unknowns?: Uint8Array[];
            id: number;
            action: string;
            jobId: string;
            specJson: string;
            afterSeq: number;
            fromSize: number;
            seqs: number[];
            static create(properties: cohort.v1.Request.$Shape): cohort.v1.Request & cohort.v1.Request.$Shape;
            static create(properties?: cohort.v1.Request.$Properties): cohort.v1.Request;
            static encode(message: cohort.v1.Request.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Request & cohort.v1.Request.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Request {
            interface $Properties {
                id?: (number|null);
                action?: (string|null);
                jobId?: (string|null);
                specJson?: (string|null);
                afterSeq?: (number|null);
                fromSize?: (number|null);
                seqs?: (number[]|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Request.$Properties;
        }

        interface IReply extends cohort.v1.Reply.$Properties {
        }

        class Reply {
            constructor(properties?: cohort.v1.Reply.$Properties);
            $unknowns?: Uint8Array[];
            id: number;
            json: string;
            model?: (cohort.v1.Tensor.$Properties|null);
            static create(properties: cohort.v1.Reply.$Shape): cohort.v1.Reply & cohort.v1.Reply.$Shape;
            static create(properties?: cohort.v1.Reply.$Properties): cohort.v1.Reply;
            static encode(message: cohort.v1.Reply.$Properties, writer?: $protobuf.Writer): $protobuf.Writer;
            static decode(reader: ($protobuf.Reader|Uint8Array), length?: number): cohort.v1.Reply & cohort.v1.Reply.$Shape;
            static getTypeUrl(prefix?: string): string;
        }

        namespace Reply {
            interface $Properties {
                id?: (number|null);
                json?: (string|null);
                model?: (cohort.v1.Tensor.$Properties|null);
                $unknowns?: Uint8Array[];
            }
            type $Shape = cohort.v1.Reply.$Properties;
        }
    }
}
