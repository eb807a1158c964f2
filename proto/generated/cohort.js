/*eslint-disable block-scoped-var, id-length, no-control-regex, no-magic-numbers, no-mixed-operators, no-prototype-builtins, no-redeclare, no-shadow, no-var, sort-vars, default-case, jsdoc/require-param*/
import $protobuf from "protobufjs/minimal.js";

// Common aliases
const $Reader = $protobuf.Reader, $Writer = $protobuf.Writer, $util = $protobuf.util;
const $Object = $util.global.Object, $undefined = $util.global.undefined, $Error = $util.global.Error, $RangeError = $util.global.RangeError;

// Exported root namespace
const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const cohort = $root.cohort = (() => {

    /**
     * Namespace cohort.
     * @exports cohort
     * @namespace
     */
    const cohort = {};

    cohort.v1 = (function() {

        /**
         * Namespace v1.
         * @memberof cohort
         * @namespace
         */
        const v1 = {};

        v1.Envelope = (function() {

            /**
             * Properties of an Envelope.
             * @typedef {Object} cohort.v1.Envelope.$Properties
             * @property {number|null} [version] Envelope version
             * @property {string|null} [jobId] Envelope jobId
             * @property {number|null} [round] Envelope round
             * @property {string|null} [sender] Envelope sender
             * @property {number|null} [seq] Envelope seq
             * @property {cohort.v1.Hello.$Properties|null} [hello] Envelope hello
             * @property {cohort.v1.Welcome.$Properties|null} [welcome] Envelope welcome
             * @property {cohort.v1.JobOffer.$Properties|null} [jobOffer] Envelope jobOffer
             * @property {cohort.v1.JoinJob.$Properties|null} [joinJob] Envelope joinJob
             * @property {cohort.v1.DeclineJob.$Properties|null} [declineJob] Envelope declineJob
             * @property {cohort.v1.RoundConfig.$Properties|null} [roundConfig] Envelope roundConfig
             * @property {cohort.v1.Update.$Properties|null} [update] Envelope update
             * @property {cohort.v1.Evaluation.$Properties|null} [evaluation] Envelope evaluation
             * @property {cohort.v1.RoundResult.$Properties|null} [roundResult] Envelope roundResult
             * @property {cohort.v1.JobEvent.$Properties|null} [jobEvent] Envelope jobEvent
             * @property {cohort.v1.Error.$Properties|null} [error] Envelope error
             * @property {cohort.v1.Challenge.$Properties|null} [challenge] Envelope challenge
             * @property {cohort.v1.Request.$Properties|null} [request] Envelope request
             * @property {cohort.v1.Reply.$Properties|null} [reply] Envelope reply
             * @property {cohort.v1.RosterUpdate.$Properties|null} [rosterUpdate] Envelope rosterUpdate
             * @property {cohort.v1.Fragment.$Properties|null} [fragment] Envelope fragment
             * @property {cohort.v1.SecAggAdvertise.$Properties|null} [secaggAdvertise] Envelope secaggAdvertise
             * @property {cohort.v1.SecAggKeys.$Properties|null} [secaggKeys] Envelope secaggKeys
             * @property {cohort.v1.SecAggShares.$Properties|null} [secaggShares] Envelope secaggShares
             * @property {cohort.v1.SecAggShares.$Properties|null} [secaggSharesRelay] Envelope secaggSharesRelay
             * @property {cohort.v1.SecAggMaskedInput.$Properties|null} [secaggMaskedInput] Envelope secaggMaskedInput
             * @property {cohort.v1.SecAggSurvivors.$Properties|null} [secaggSurvivors] Envelope secaggSurvivors
             * @property {cohort.v1.SecAggConsistency.$Properties|null} [secaggConsistency] Envelope secaggConsistency
             * @property {cohort.v1.SecAggUnmaskRequest.$Properties|null} [secaggUnmaskRequest] Envelope secaggUnmaskRequest
             * @property {cohort.v1.SecAggUnmask.$Properties|null} [secaggUnmask] Envelope secaggUnmask
             * @property {cohort.v1.SecAggCommitments.$Properties|null} [secaggCommitments] Envelope secaggCommitments
             * @property {cohort.v1.SecAggReveal.$Properties|null} [secaggReveal] Envelope secaggReveal
             * @property {cohort.v1.LedgerCosignature.$Properties|null} [ledgerCosignature] Envelope ledgerCosignature
             * @property {"hello"|"welcome"|"jobOffer"|"joinJob"|"declineJob"|"roundConfig"|"update"|"evaluation"|"roundResult"|"jobEvent"|"error"|"challenge"|"request"|"reply"|"rosterUpdate"|"fragment"|"secaggAdvertise"|"secaggKeys"|"secaggShares"|"secaggSharesRelay"|"secaggMaskedInput"|"secaggSurvivors"|"secaggConsistency"|"secaggUnmaskRequest"|"secaggUnmask"|"secaggCommitments"|"secaggReveal"|"ledgerCosignature"} [body] Envelope body
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Envelope.
             * @memberof cohort.v1
             * @interface IEnvelope
             * @augments cohort.v1.Envelope.$Properties
             * @deprecated Use cohort.v1.Envelope.$Properties instead.
             */

            /**
             * Narrowed shape of an Envelope.
             * @typedef {{
             *   version?: number|null;
             *   jobId?: string|null;
             *   round?: number|null;
             *   sender?: string|null;
             *   seq?: number|null;
             *   hello?: cohort.v1.Hello.$Shape|null;
             *   welcome?: cohort.v1.Welcome.$Shape|null;
             *   jobOffer?: cohort.v1.JobOffer.$Shape|null;
             *   joinJob?: cohort.v1.JoinJob.$Shape|null;
             *   declineJob?: cohort.v1.DeclineJob.$Shape|null;
             *   roundConfig?: cohort.v1.RoundConfig.$Shape|null;
             *   update?: cohort.v1.Update.$Shape|null;
             *   evaluation?: cohort.v1.Evaluation.$Shape|null;
             *   roundResult?: cohort.v1.RoundResult.$Shape|null;
             *   jobEvent?: cohort.v1.JobEvent.$Shape|null;
             *   error?: cohort.v1.Error.$Shape|null;
             *   challenge?: cohort.v1.Challenge.$Shape|null;
             *   request?: cohort.v1.Request.$Shape|null;
             *   reply?: cohort.v1.Reply.$Shape|null;
             *   rosterUpdate?: cohort.v1.RosterUpdate.$Shape|null;
             *   fragment?: cohort.v1.Fragment.$Shape|null;
             *   secaggAdvertise?: cohort.v1.SecAggAdvertise.$Shape|null;
             *   secaggKeys?: cohort.v1.SecAggKeys.$Shape|null;
             *   secaggShares?: cohort.v1.SecAggShares.$Shape|null;
             *   secaggSharesRelay?: cohort.v1.SecAggShares.$Shape|null;
             *   secaggMaskedInput?: cohort.v1.SecAggMaskedInput.$Shape|null;
             *   secaggSurvivors?: cohort.v1.SecAggSurvivors.$Shape|null;
             *   secaggConsistency?: cohort.v1.SecAggConsistency.$Shape|null;
             *   secaggUnmaskRequest?: cohort.v1.SecAggUnmaskRequest.$Shape|null;
             *   secaggUnmask?: cohort.v1.SecAggUnmask.$Shape|null;
             *   secaggCommitments?: cohort.v1.SecAggCommitments.$Shape|null;
             *   secaggReveal?: cohort.v1.SecAggReveal.$Shape|null;
             *   ledgerCosignature?: cohort.v1.LedgerCosignature.$Shape|null;
             *   $unknowns?: Array.<Uint8Array>;
             * } & (
             *   ({ body?: undefined; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "hello"; hello: cohort.v1.Hello.$Shape; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "welcome"; hello?: null; welcome: cohort.v1.Welcome.$Shape; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "jobOffer"; hello?: null; welcome?: null; jobOffer: cohort.v1.JobOffer.$Shape; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "joinJob"; hello?: null; welcome?: null; jobOffer?: null; joinJob: cohort.v1.JoinJob.$Shape; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "declineJob"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob: cohort.v1.DeclineJob.$Shape; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "roundConfig"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig: cohort.v1.RoundConfig.$Shape; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "update"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update: cohort.v1.Update.$Shape; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "evaluation"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation: cohort.v1.Evaluation.$Shape; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "roundResult"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult: cohort.v1.RoundResult.$Shape; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "jobEvent"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent: cohort.v1.JobEvent.$Shape; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "error"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error: cohort.v1.Error.$Shape; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "challenge"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge: cohort.v1.Challenge.$Shape; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "request"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request: cohort.v1.Request.$Shape; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "reply"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply: cohort.v1.Reply.$Shape; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "rosterUpdate"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate: cohort.v1.RosterUpdate.$Shape; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "fragment"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment: cohort.v1.Fragment.$Shape; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggAdvertise"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise: cohort.v1.SecAggAdvertise.$Shape; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggKeys"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys: cohort.v1.SecAggKeys.$Shape; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggShares"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares: cohort.v1.SecAggShares.$Shape; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggSharesRelay"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay: cohort.v1.SecAggShares.$Shape; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggMaskedInput"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput: cohort.v1.SecAggMaskedInput.$Shape; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggSurvivors"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors: cohort.v1.SecAggSurvivors.$Shape; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggConsistency"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency: cohort.v1.SecAggConsistency.$Shape; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggUnmaskRequest"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest: cohort.v1.SecAggUnmaskRequest.$Shape; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggUnmask"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask: cohort.v1.SecAggUnmask.$Shape; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggCommitments"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments: cohort.v1.SecAggCommitments.$Shape; secaggReveal?: null; ledgerCosignature?: null }|{ body?: "secaggReveal"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal: cohort.v1.SecAggReveal.$Shape; ledgerCosignature?: null }|{ body?: "ledgerCosignature"; hello?: null; welcome?: null; jobOffer?: null; joinJob?: null; declineJob?: null; roundConfig?: null; update?: null; evaluation?: null; roundResult?: null; jobEvent?: null; error?: null; challenge?: null; request?: null; reply?: null; rosterUpdate?: null; fragment?: null; secaggAdvertise?: null; secaggKeys?: null; secaggShares?: null; secaggSharesRelay?: null; secaggMaskedInput?: null; secaggSurvivors?: null; secaggConsistency?: null; secaggUnmaskRequest?: null; secaggUnmask?: null; secaggCommitments?: null; secaggReveal?: null; ledgerCosignature: cohort.v1.LedgerCosignature.$Shape })
             * )} cohort.v1.Envelope.$Shape
             */

            /**
             * Constructs a new Envelope.
             * @memberof cohort.v1
             * @classdesc Represents an Envelope.
             * @constructor
             * @param {cohort.v1.Envelope.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Envelope = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Envelope version.
             * @member {number} version
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.version = 0;

            /**
             * Envelope jobId.
             * @member {string} jobId
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.jobId = "";

            /**
             * Envelope round.
             * @member {number} round
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.round = 0;

            /**
             * Envelope sender.
             * @member {string} sender
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.sender = "";

            /**
             * Envelope seq.
             * @member {number} seq
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.seq = 0;

            /**
             * Envelope hello.
             * @member {cohort.v1.Hello.$Properties|null|undefined} hello
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.hello = null;

            /**
             * Envelope welcome.
             * @member {cohort.v1.Welcome.$Properties|null|undefined} welcome
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.welcome = null;

            /**
             * Envelope jobOffer.
             * @member {cohort.v1.JobOffer.$Properties|null|undefined} jobOffer
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.jobOffer = null;

            /**
             * Envelope joinJob.
             * @member {cohort.v1.JoinJob.$Properties|null|undefined} joinJob
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.joinJob = null;

            /**
             * Envelope declineJob.
             * @member {cohort.v1.DeclineJob.$Properties|null|undefined} declineJob
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.declineJob = null;

            /**
             * Envelope roundConfig.
             * @member {cohort.v1.RoundConfig.$Properties|null|undefined} roundConfig
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.roundConfig = null;

            /**
             * Envelope update.
             * @member {cohort.v1.Update.$Properties|null|undefined} update
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.update = null;

            /**
             * Envelope evaluation.
             * @member {cohort.v1.Evaluation.$Properties|null|undefined} evaluation
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.evaluation = null;

            /**
             * Envelope roundResult.
             * @member {cohort.v1.RoundResult.$Properties|null|undefined} roundResult
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.roundResult = null;

            /**
             * Envelope jobEvent.
             * @member {cohort.v1.JobEvent.$Properties|null|undefined} jobEvent
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.jobEvent = null;

            /**
             * Envelope error.
             * @member {cohort.v1.Error.$Properties|null|undefined} error
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.error = null;

            /**
             * Envelope challenge.
             * @member {cohort.v1.Challenge.$Properties|null|undefined} challenge
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.challenge = null;

            /**
             * Envelope request.
             * @member {cohort.v1.Request.$Properties|null|undefined} request
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.request = null;

            /**
             * Envelope reply.
             * @member {cohort.v1.Reply.$Properties|null|undefined} reply
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.reply = null;

            /**
             * Envelope rosterUpdate.
             * @member {cohort.v1.RosterUpdate.$Properties|null|undefined} rosterUpdate
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.rosterUpdate = null;

            /**
             * Envelope fragment.
             * @member {cohort.v1.Fragment.$Properties|null|undefined} fragment
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.fragment = null;

            /**
             * Envelope secaggAdvertise.
             * @member {cohort.v1.SecAggAdvertise.$Properties|null|undefined} secaggAdvertise
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggAdvertise = null;

            /**
             * Envelope secaggKeys.
             * @member {cohort.v1.SecAggKeys.$Properties|null|undefined} secaggKeys
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggKeys = null;

            /**
             * Envelope secaggShares.
             * @member {cohort.v1.SecAggShares.$Properties|null|undefined} secaggShares
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggShares = null;

            /**
             * Envelope secaggSharesRelay.
             * @member {cohort.v1.SecAggShares.$Properties|null|undefined} secaggSharesRelay
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggSharesRelay = null;

            /**
             * Envelope secaggMaskedInput.
             * @member {cohort.v1.SecAggMaskedInput.$Properties|null|undefined} secaggMaskedInput
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggMaskedInput = null;

            /**
             * Envelope secaggSurvivors.
             * @member {cohort.v1.SecAggSurvivors.$Properties|null|undefined} secaggSurvivors
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggSurvivors = null;

            /**
             * Envelope secaggConsistency.
             * @member {cohort.v1.SecAggConsistency.$Properties|null|undefined} secaggConsistency
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggConsistency = null;

            /**
             * Envelope secaggUnmaskRequest.
             * @member {cohort.v1.SecAggUnmaskRequest.$Properties|null|undefined} secaggUnmaskRequest
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggUnmaskRequest = null;

            /**
             * Envelope secaggUnmask.
             * @member {cohort.v1.SecAggUnmask.$Properties|null|undefined} secaggUnmask
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggUnmask = null;

            /**
             * Envelope secaggCommitments.
             * @member {cohort.v1.SecAggCommitments.$Properties|null|undefined} secaggCommitments
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggCommitments = null;

            /**
             * Envelope secaggReveal.
             * @member {cohort.v1.SecAggReveal.$Properties|null|undefined} secaggReveal
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.secaggReveal = null;

            /**
             * Envelope ledgerCosignature.
             * @member {cohort.v1.LedgerCosignature.$Properties|null|undefined} ledgerCosignature
             * @memberof cohort.v1.Envelope
             * @instance
             */
            Envelope.prototype.ledgerCosignature = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            /**
             * Envelope body.
             * @member {"hello"|"welcome"|"jobOffer"|"joinJob"|"declineJob"|"roundConfig"|"update"|"evaluation"|"roundResult"|"jobEvent"|"error"|"challenge"|"request"|"reply"|"rosterUpdate"|"fragment"|"secaggAdvertise"|"secaggKeys"|"secaggShares"|"secaggSharesRelay"|"secaggMaskedInput"|"secaggSurvivors"|"secaggConsistency"|"secaggUnmaskRequest"|"secaggUnmask"|"secaggCommitments"|"secaggReveal"|"ledgerCosignature"|undefined} body
             * @memberof cohort.v1.Envelope
             * @instance
             */
            $Object.defineProperty(Envelope.prototype, "body", {
                get: $util.oneOfGetter($oneOfFields = ["hello", "welcome", "jobOffer", "joinJob", "declineJob", "roundConfig", "update", "evaluation", "roundResult", "jobEvent", "error", "challenge", "request", "reply", "rosterUpdate", "fragment", "secaggAdvertise", "secaggKeys", "secaggShares", "secaggSharesRelay", "secaggMaskedInput", "secaggSurvivors", "secaggConsistency", "secaggUnmaskRequest", "secaggUnmask", "secaggCommitments", "secaggReveal", "ledgerCosignature"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Envelope instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Envelope
             * @static
             * @param {cohort.v1.Envelope.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Envelope} Envelope instance
             * @type {{
             *   (properties: cohort.v1.Envelope.$Shape): cohort.v1.Envelope & cohort.v1.Envelope.$Shape;
             *   (properties?: cohort.v1.Envelope.$Properties): cohort.v1.Envelope;
             * }}
             */
            Envelope.create = function(properties) {
                return new Envelope(properties);
            };

            /**
             * Encodes the specified Envelope message. Does not implicitly {@link cohort.v1.Envelope.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Envelope
             * @static
             * @param {cohort.v1.Envelope.$Properties} message Envelope message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Envelope.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.version != null && $Object.hasOwnProperty.call(message, "version") && message.version !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.version);
                if (message.jobId != null && $Object.hasOwnProperty.call(message, "jobId") && message.jobId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.jobId);
                if (message.round != null && $Object.hasOwnProperty.call(message, "round") && message.round !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.round);
                if (message.sender != null && $Object.hasOwnProperty.call(message, "sender") && message.sender !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.sender);
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.seq);
                if (message.hello != null && $Object.hasOwnProperty.call(message, "hello"))
                    $root.cohort.v1.Hello.encode(message.hello, writer.uint32(/* id 10, wireType 2 =*/82).fork(), _depth + 1).ldelim();
                if (message.welcome != null && $Object.hasOwnProperty.call(message, "welcome"))
                    $root.cohort.v1.Welcome.encode(message.welcome, writer.uint32(/* id 11, wireType 2 =*/90).fork(), _depth + 1).ldelim();
                if (message.jobOffer != null && $Object.hasOwnProperty.call(message, "jobOffer"))
                    $root.cohort.v1.JobOffer.encode(message.jobOffer, writer.uint32(/* id 12, wireType 2 =*/98).fork(), _depth + 1).ldelim();
                if (message.joinJob != null && $Object.hasOwnProperty.call(message, "joinJob"))
                    $root.cohort.v1.JoinJob.encode(message.joinJob, writer.uint32(/* id 13, wireType 2 =*/106).fork(), _depth + 1).ldelim();
                if (message.declineJob != null && $Object.hasOwnProperty.call(message, "declineJob"))
                    $root.cohort.v1.DeclineJob.encode(message.declineJob, writer.uint32(/* id 14, wireType 2 =*/114).fork(), _depth + 1).ldelim();
                if (message.roundConfig != null && $Object.hasOwnProperty.call(message, "roundConfig"))
                    $root.cohort.v1.RoundConfig.encode(message.roundConfig, writer.uint32(/* id 15, wireType 2 =*/122).fork(), _depth + 1).ldelim();
                if (message.update != null && $Object.hasOwnProperty.call(message, "update"))
                    $root.cohort.v1.Update.encode(message.update, writer.uint32(/* id 16, wireType 2 =*/130).fork(), _depth + 1).ldelim();
                if (message.evaluation != null && $Object.hasOwnProperty.call(message, "evaluation"))
                    $root.cohort.v1.Evaluation.encode(message.evaluation, writer.uint32(/* id 17, wireType 2 =*/138).fork(), _depth + 1).ldelim();
                if (message.roundResult != null && $Object.hasOwnProperty.call(message, "roundResult"))
                    $root.cohort.v1.RoundResult.encode(message.roundResult, writer.uint32(/* id 18, wireType 2 =*/146).fork(), _depth + 1).ldelim();
                if (message.jobEvent != null && $Object.hasOwnProperty.call(message, "jobEvent"))
                    $root.cohort.v1.JobEvent.encode(message.jobEvent, writer.uint32(/* id 19, wireType 2 =*/154).fork(), _depth + 1).ldelim();
                if (message.error != null && $Object.hasOwnProperty.call(message, "error"))
                    $root.cohort.v1.Error.encode(message.error, writer.uint32(/* id 20, wireType 2 =*/162).fork(), _depth + 1).ldelim();
                if (message.challenge != null && $Object.hasOwnProperty.call(message, "challenge"))
                    $root.cohort.v1.Challenge.encode(message.challenge, writer.uint32(/* id 21, wireType 2 =*/170).fork(), _depth + 1).ldelim();
                if (message.request != null && $Object.hasOwnProperty.call(message, "request"))
                    $root.cohort.v1.Request.encode(message.request, writer.uint32(/* id 22, wireType 2 =*/178).fork(), _depth + 1).ldelim();
                if (message.reply != null && $Object.hasOwnProperty.call(message, "reply"))
                    $root.cohort.v1.Reply.encode(message.reply, writer.uint32(/* id 23, wireType 2 =*/186).fork(), _depth + 1).ldelim();
                if (message.rosterUpdate != null && $Object.hasOwnProperty.call(message, "rosterUpdate"))
                    $root.cohort.v1.RosterUpdate.encode(message.rosterUpdate, writer.uint32(/* id 24, wireType 2 =*/194).fork(), _depth + 1).ldelim();
                if (message.fragment != null && $Object.hasOwnProperty.call(message, "fragment"))
                    $root.cohort.v1.Fragment.encode(message.fragment, writer.uint32(/* id 25, wireType 2 =*/202).fork(), _depth + 1).ldelim();
                if (message.secaggAdvertise != null && $Object.hasOwnProperty.call(message, "secaggAdvertise"))
                    $root.cohort.v1.SecAggAdvertise.encode(message.secaggAdvertise, writer.uint32(/* id 30, wireType 2 =*/242).fork(), _depth + 1).ldelim();
                if (message.secaggKeys != null && $Object.hasOwnProperty.call(message, "secaggKeys"))
                    $root.cohort.v1.SecAggKeys.encode(message.secaggKeys, writer.uint32(/* id 31, wireType 2 =*/250).fork(), _depth + 1).ldelim();
                if (message.secaggShares != null && $Object.hasOwnProperty.call(message, "secaggShares"))
                    $root.cohort.v1.SecAggShares.encode(message.secaggShares, writer.uint32(/* id 32, wireType 2 =*/258).fork(), _depth + 1).ldelim();
                if (message.secaggSharesRelay != null && $Object.hasOwnProperty.call(message, "secaggSharesRelay"))
                    $root.cohort.v1.SecAggShares.encode(message.secaggSharesRelay, writer.uint32(/* id 33, wireType 2 =*/266).fork(), _depth + 1).ldelim();
                if (message.secaggMaskedInput != null && $Object.hasOwnProperty.call(message, "secaggMaskedInput"))
                    $root.cohort.v1.SecAggMaskedInput.encode(message.secaggMaskedInput, writer.uint32(/* id 34, wireType 2 =*/274).fork(), _depth + 1).ldelim();
                if (message.secaggSurvivors != null && $Object.hasOwnProperty.call(message, "secaggSurvivors"))
                    $root.cohort.v1.SecAggSurvivors.encode(message.secaggSurvivors, writer.uint32(/* id 35, wireType 2 =*/282).fork(), _depth + 1).ldelim();
                if (message.secaggConsistency != null && $Object.hasOwnProperty.call(message, "secaggConsistency"))
                    $root.cohort.v1.SecAggConsistency.encode(message.secaggConsistency, writer.uint32(/* id 36, wireType 2 =*/290).fork(), _depth + 1).ldelim();
                if (message.secaggUnmaskRequest != null && $Object.hasOwnProperty.call(message, "secaggUnmaskRequest"))
                    $root.cohort.v1.SecAggUnmaskRequest.encode(message.secaggUnmaskRequest, writer.uint32(/* id 37, wireType 2 =*/298).fork(), _depth + 1).ldelim();
                if (message.secaggUnmask != null && $Object.hasOwnProperty.call(message, "secaggUnmask"))
                    $root.cohort.v1.SecAggUnmask.encode(message.secaggUnmask, writer.uint32(/* id 38, wireType 2 =*/306).fork(), _depth + 1).ldelim();
                if (message.secaggCommitments != null && $Object.hasOwnProperty.call(message, "secaggCommitments"))
                    $root.cohort.v1.SecAggCommitments.encode(message.secaggCommitments, writer.uint32(/* id 39, wireType 2 =*/314).fork(), _depth + 1).ldelim();
                if (message.secaggReveal != null && $Object.hasOwnProperty.call(message, "secaggReveal"))
                    $root.cohort.v1.SecAggReveal.encode(message.secaggReveal, writer.uint32(/* id 41, wireType 2 =*/330).fork(), _depth + 1).ldelim();
                if (message.ledgerCosignature != null && $Object.hasOwnProperty.call(message, "ledgerCosignature"))
                    $root.cohort.v1.LedgerCosignature.encode(message.ledgerCosignature, writer.uint32(/* id 42, wireType 2 =*/338).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Envelope message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Envelope
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Envelope & cohort.v1.Envelope.$Shape} Envelope
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Envelope.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Envelope();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.version = value;
                            else
                                delete message.version;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.jobId = value;
                            else
                                delete message.jobId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.round = value;
                            else
                                delete message.round;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.sender = value;
                            else
                                delete message.sender;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 10: {
                            if (wireType !== 2)
                                break;
                            message.hello = $root.cohort.v1.Hello.decode(reader, reader.size(), $undefined, _depth + 1, message.hello);
                            message.body = "hello";
                            continue;
                        }
                    case 11: {
                            if (wireType !== 2)
                                break;
                            message.welcome = $root.cohort.v1.Welcome.decode(reader, reader.size(), $undefined, _depth + 1, message.welcome);
                            message.body = "welcome";
                            continue;
                        }
                    case 12: {
                            if (wireType !== 2)
                                break;
                            message.jobOffer = $root.cohort.v1.JobOffer.decode(reader, reader.size(), $undefined, _depth + 1, message.jobOffer);
                            message.body = "jobOffer";
                            continue;
                        }
                    case 13: {
                            if (wireType !== 2)
                                break;
                            message.joinJob = $root.cohort.v1.JoinJob.decode(reader, reader.size(), $undefined, _depth + 1, message.joinJob);
                            message.body = "joinJob";
                            continue;
                        }
                    case 14: {
                            if (wireType !== 2)
                                break;
                            message.declineJob = $root.cohort.v1.DeclineJob.decode(reader, reader.size(), $undefined, _depth + 1, message.declineJob);
                            message.body = "declineJob";
                            continue;
                        }
                    case 15: {
                            if (wireType !== 2)
                                break;
                            message.roundConfig = $root.cohort.v1.RoundConfig.decode(reader, reader.size(), $undefined, _depth + 1, message.roundConfig);
                            message.body = "roundConfig";
                            continue;
                        }
                    case 16: {
                            if (wireType !== 2)
                                break;
                            message.update = $root.cohort.v1.Update.decode(reader, reader.size(), $undefined, _depth + 1, message.update);
                            message.body = "update";
                            continue;
                        }
                    case 17: {
                            if (wireType !== 2)
                                break;
                            message.evaluation = $root.cohort.v1.Evaluation.decode(reader, reader.size(), $undefined, _depth + 1, message.evaluation);
                            message.body = "evaluation";
                            continue;
                        }
                    case 18: {
                            if (wireType !== 2)
                                break;
                            message.roundResult = $root.cohort.v1.RoundResult.decode(reader, reader.size(), $undefined, _depth + 1, message.roundResult);
                            message.body = "roundResult";
                            continue;
                        }
                    case 19: {
                            if (wireType !== 2)
                                break;
                            message.jobEvent = $root.cohort.v1.JobEvent.decode(reader, reader.size(), $undefined, _depth + 1, message.jobEvent);
                            message.body = "jobEvent";
                            continue;
                        }
                    case 20: {
                            if (wireType !== 2)
                                break;
                            message.error = $root.cohort.v1.Error.decode(reader, reader.size(), $undefined, _depth + 1, message.error);
                            message.body = "error";
                            continue;
                        }
                    case 21: {
                            if (wireType !== 2)
                                break;
                            message.challenge = $root.cohort.v1.Challenge.decode(reader, reader.size(), $undefined, _depth + 1, message.challenge);
                            message.body = "challenge";
                            continue;
                        }
                    case 22: {
                            if (wireType !== 2)
                                break;
                            message.request = $root.cohort.v1.Request.decode(reader, reader.size(), $undefined, _depth + 1, message.request);
                            message.body = "request";
                            continue;
                        }
                    case 23: {
                            if (wireType !== 2)
                                break;
                            message.reply = $root.cohort.v1.Reply.decode(reader, reader.size(), $undefined, _depth + 1, message.reply);
                            message.body = "reply";
                            continue;
                        }
                    case 24: {
                            if (wireType !== 2)
                                break;
                            message.rosterUpdate = $root.cohort.v1.RosterUpdate.decode(reader, reader.size(), $undefined, _depth + 1, message.rosterUpdate);
                            message.body = "rosterUpdate";
                            continue;
                        }
                    case 25: {
                            if (wireType !== 2)
                                break;
                            message.fragment = $root.cohort.v1.Fragment.decode(reader, reader.size(), $undefined, _depth + 1, message.fragment);
                            message.body = "fragment";
                            continue;
                        }
                    case 30: {
                            if (wireType !== 2)
                                break;
                            message.secaggAdvertise = $root.cohort.v1.SecAggAdvertise.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggAdvertise);
                            message.body = "secaggAdvertise";
                            continue;
                        }
                    case 31: {
                            if (wireType !== 2)
                                break;
                            message.secaggKeys = $root.cohort.v1.SecAggKeys.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggKeys);
                            message.body = "secaggKeys";
                            continue;
                        }
                    case 32: {
                            if (wireType !== 2)
                                break;
                            message.secaggShares = $root.cohort.v1.SecAggShares.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggShares);
                            message.body = "secaggShares";
                            continue;
                        }
                    case 33: {
                            if (wireType !== 2)
                                break;
                            message.secaggSharesRelay = $root.cohort.v1.SecAggShares.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggSharesRelay);
                            message.body = "secaggSharesRelay";
                            continue;
                        }
                    case 34: {
                            if (wireType !== 2)
                                break;
                            message.secaggMaskedInput = $root.cohort.v1.SecAggMaskedInput.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggMaskedInput);
                            message.body = "secaggMaskedInput";
                            continue;
                        }
                    case 35: {
                            if (wireType !== 2)
                                break;
                            message.secaggSurvivors = $root.cohort.v1.SecAggSurvivors.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggSurvivors);
                            message.body = "secaggSurvivors";
                            continue;
                        }
                    case 36: {
                            if (wireType !== 2)
                                break;
                            message.secaggConsistency = $root.cohort.v1.SecAggConsistency.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggConsistency);
                            message.body = "secaggConsistency";
                            continue;
                        }
                    case 37: {
                            if (wireType !== 2)
                                break;
                            message.secaggUnmaskRequest = $root.cohort.v1.SecAggUnmaskRequest.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggUnmaskRequest);
                            message.body = "secaggUnmaskRequest";
                            continue;
                        }
                    case 38: {
                            if (wireType !== 2)
                                break;
                            message.secaggUnmask = $root.cohort.v1.SecAggUnmask.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggUnmask);
                            message.body = "secaggUnmask";
                            continue;
                        }
                    case 39: {
                            if (wireType !== 2)
                                break;
                            message.secaggCommitments = $root.cohort.v1.SecAggCommitments.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggCommitments);
                            message.body = "secaggCommitments";
                            continue;
                        }
                    case 41: {
                            if (wireType !== 2)
                                break;
                            message.secaggReveal = $root.cohort.v1.SecAggReveal.decode(reader, reader.size(), $undefined, _depth + 1, message.secaggReveal);
                            message.body = "secaggReveal";
                            continue;
                        }
                    case 42: {
                            if (wireType !== 2)
                                break;
                            message.ledgerCosignature = $root.cohort.v1.LedgerCosignature.decode(reader, reader.size(), $undefined, _depth + 1, message.ledgerCosignature);
                            message.body = "ledgerCosignature";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Envelope
             * @function getTypeUrl
             * @memberof cohort.v1.Envelope
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Envelope.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Envelope";
            };

            return Envelope;
        })();

        v1.Tensor = (function() {

            /**
             * Properties of a Tensor.
             * @typedef {Object} cohort.v1.Tensor.$Properties
             * @property {Array.<number>|null} [shape] Tensor shape
             * @property {Uint8Array|null} [data] Tensor data
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Tensor.
             * @memberof cohort.v1
             * @interface ITensor
             * @augments cohort.v1.Tensor.$Properties
             * @deprecated Use cohort.v1.Tensor.$Properties instead.
             */

            /**
             * Shape of a Tensor.
             * @typedef {cohort.v1.Tensor.$Properties} cohort.v1.Tensor.$Shape
             */

            /**
             * Constructs a new Tensor.
             * @memberof cohort.v1
             * @classdesc Represents a Tensor.
             * @constructor
             * @param {cohort.v1.Tensor.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Tensor = function (properties) {
                this.shape = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Tensor shape.
             * @member {Array.<number>} shape
             * @memberof cohort.v1.Tensor
             * @instance
             */
            Tensor.prototype.shape = $util.emptyArray;

            /**
             * Tensor data.
             * @member {Uint8Array} data
             * @memberof cohort.v1.Tensor
             * @instance
             */
            Tensor.prototype.data = $util.newBuffer([]);

            /**
             * Creates a new Tensor instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Tensor
             * @static
             * @param {cohort.v1.Tensor.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Tensor} Tensor instance
             * @type {{
             *   (properties: cohort.v1.Tensor.$Shape): cohort.v1.Tensor & cohort.v1.Tensor.$Shape;
             *   (properties?: cohort.v1.Tensor.$Properties): cohort.v1.Tensor;
             * }}
             */
            Tensor.create = function(properties) {
                return new Tensor(properties);
            };

            /**
             * Encodes the specified Tensor message. Does not implicitly {@link cohort.v1.Tensor.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Tensor
             * @static
             * @param {cohort.v1.Tensor.$Properties} message Tensor message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Tensor.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.shape != null && message.shape.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).uint32s(message.shape);
                if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.data);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Tensor message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Tensor
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Tensor & cohort.v1.Tensor.$Shape} Tensor
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Tensor.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Tensor();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType === 2) {
                                if (!(message.shape && message.shape.length))
                                    message.shape = [];
                                reader.uint32s(message.shape);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.shape && message.shape.length))
                                message.shape = [];
                            message.shape.push(reader.uint32());
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.data = value;
                            else
                                delete message.data;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Tensor
             * @function getTypeUrl
             * @memberof cohort.v1.Tensor
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Tensor.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Tensor";
            };

            return Tensor;
        })();

        v1.Hello = (function() {

            /**
             * Properties of a Hello.
             * @typedef {Object} cohort.v1.Hello.$Properties
             * @property {string|null} [name] Hello name
             * @property {string|null} [software] Hello software
             * @property {Array.<cohort.v1.DatasetInfo.$Properties>|null} [datasets] Hello datasets
             * @property {Uint8Array|null} [identityKey] Hello identityKey
             * @property {Uint8Array|null} [handshakeSignature] Hello handshakeSignature
             * @property {number|Long|null} [handshakeTimestampMs] Hello handshakeTimestampMs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Hello.
             * @memberof cohort.v1
             * @interface IHello
             * @augments cohort.v1.Hello.$Properties
             * @deprecated Use cohort.v1.Hello.$Properties instead.
             */

            /**
             * Shape of a Hello.
             * @typedef {cohort.v1.Hello.$Properties} cohort.v1.Hello.$Shape
             */

            /**
             * Constructs a new Hello.
             * @memberof cohort.v1
             * @classdesc Represents a Hello.
             * @constructor
             * @param {cohort.v1.Hello.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Hello = function (properties) {
                this.datasets = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Hello name.
             * @member {string} name
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.name = "";

            /**
             * Hello software.
             * @member {string} software
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.software = "";

            /**
             * Hello datasets.
             * @member {Array.<cohort.v1.DatasetInfo.$Properties>} datasets
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.datasets = $util.emptyArray;

            /**
             * Hello identityKey.
             * @member {Uint8Array} identityKey
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.identityKey = $util.newBuffer([]);

            /**
             * Hello handshakeSignature.
             * @member {Uint8Array} handshakeSignature
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.handshakeSignature = $util.newBuffer([]);

            /**
             * Hello handshakeTimestampMs.
             * @member {number|Long} handshakeTimestampMs
             * @memberof cohort.v1.Hello
             * @instance
             */
            Hello.prototype.handshakeTimestampMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Hello instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Hello
             * @static
             * @param {cohort.v1.Hello.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Hello} Hello instance
             * @type {{
             *   (properties: cohort.v1.Hello.$Shape): cohort.v1.Hello & cohort.v1.Hello.$Shape;
             *   (properties?: cohort.v1.Hello.$Properties): cohort.v1.Hello;
             * }}
             */
            Hello.create = function(properties) {
                return new Hello(properties);
            };

            /**
             * Encodes the specified Hello message. Does not implicitly {@link cohort.v1.Hello.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Hello
             * @static
             * @param {cohort.v1.Hello.$Properties} message Hello message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Hello.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.software != null && $Object.hasOwnProperty.call(message, "software") && message.software !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.software);
                if (message.datasets != null && message.datasets.length)
                    for (let i = 0; i < message.datasets.length; ++i)
                        $root.cohort.v1.DatasetInfo.encode(message.datasets[i], writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.identityKey != null && $Object.hasOwnProperty.call(message, "identityKey") && message.identityKey.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.identityKey);
                if (message.handshakeSignature != null && $Object.hasOwnProperty.call(message, "handshakeSignature") && message.handshakeSignature.length)
                    writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.handshakeSignature);
                if (message.handshakeTimestampMs != null && $Object.hasOwnProperty.call(message, "handshakeTimestampMs") && (typeof message.handshakeTimestampMs === "object" ? message.handshakeTimestampMs.low || message.handshakeTimestampMs.high : message.handshakeTimestampMs !== 0))
                    writer.uint32(/* id 6, wireType 0 =*/48).uint64(message.handshakeTimestampMs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Hello message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Hello
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Hello & cohort.v1.Hello.$Shape} Hello
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Hello.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Hello();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.software = value;
                            else
                                delete message.software;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if (!(message.datasets && message.datasets.length))
                                message.datasets = [];
                            message.datasets.push($root.cohort.v1.DatasetInfo.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.identityKey = value;
                            else
                                delete message.identityKey;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.handshakeSignature = value;
                            else
                                delete message.handshakeSignature;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.handshakeTimestampMs = value;
                            else
                                delete message.handshakeTimestampMs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Hello
             * @function getTypeUrl
             * @memberof cohort.v1.Hello
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Hello.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Hello";
            };

            return Hello;
        })();

        v1.Challenge = (function() {

            /**
             * Properties of a Challenge.
             * @typedef {Object} cohort.v1.Challenge.$Properties
             * @property {Uint8Array|null} [nonce] Challenge nonce
             * @property {string|null} [coordinatorId] Challenge coordinatorId
             * @property {number|Long|null} [timestampMs] Challenge timestampMs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Challenge.
             * @memberof cohort.v1
             * @interface IChallenge
             * @augments cohort.v1.Challenge.$Properties
             * @deprecated Use cohort.v1.Challenge.$Properties instead.
             */

            /**
             * Shape of a Challenge.
             * @typedef {cohort.v1.Challenge.$Properties} cohort.v1.Challenge.$Shape
             */

            /**
             * Constructs a new Challenge.
             * @memberof cohort.v1
             * @classdesc Represents a Challenge.
             * @constructor
             * @param {cohort.v1.Challenge.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Challenge = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Challenge nonce.
             * @member {Uint8Array} nonce
             * @memberof cohort.v1.Challenge
             * @instance
             */
            Challenge.prototype.nonce = $util.newBuffer([]);

            /**
             * Challenge coordinatorId.
             * @member {string} coordinatorId
             * @memberof cohort.v1.Challenge
             * @instance
             */
            Challenge.prototype.coordinatorId = "";

            /**
             * Challenge timestampMs.
             * @member {number|Long} timestampMs
             * @memberof cohort.v1.Challenge
             * @instance
             */
            Challenge.prototype.timestampMs = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * Creates a new Challenge instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Challenge
             * @static
             * @param {cohort.v1.Challenge.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Challenge} Challenge instance
             * @type {{
             *   (properties: cohort.v1.Challenge.$Shape): cohort.v1.Challenge & cohort.v1.Challenge.$Shape;
             *   (properties?: cohort.v1.Challenge.$Properties): cohort.v1.Challenge;
             * }}
             */
            Challenge.create = function(properties) {
                return new Challenge(properties);
            };

            /**
             * Encodes the specified Challenge message. Does not implicitly {@link cohort.v1.Challenge.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Challenge
             * @static
             * @param {cohort.v1.Challenge.$Properties} message Challenge message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Challenge.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.nonce);
                if (message.coordinatorId != null && $Object.hasOwnProperty.call(message, "coordinatorId") && message.coordinatorId !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.coordinatorId);
                if (message.timestampMs != null && $Object.hasOwnProperty.call(message, "timestampMs") && (typeof message.timestampMs === "object" ? message.timestampMs.low || message.timestampMs.high : message.timestampMs !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.timestampMs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Challenge message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Challenge
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Challenge & cohort.v1.Challenge.$Shape} Challenge
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Challenge.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Challenge();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.nonce = value;
                            else
                                delete message.nonce;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.coordinatorId = value;
                            else
                                delete message.coordinatorId;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestampMs = value;
                            else
                                delete message.timestampMs;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Challenge
             * @function getTypeUrl
             * @memberof cohort.v1.Challenge
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Challenge.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Challenge";
            };

            return Challenge;
        })();

        v1.DatasetInfo = (function() {

            /**
             * Properties of a DatasetInfo.
             * @typedef {Object} cohort.v1.DatasetInfo.$Properties
             * @property {string|null} [schemaId] DatasetInfo schemaId
             * @property {Array.<string>|null} [features] DatasetInfo features
             * @property {string|null} [label] DatasetInfo label
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DatasetInfo.
             * @memberof cohort.v1
             * @interface IDatasetInfo
             * @augments cohort.v1.DatasetInfo.$Properties
             * @deprecated Use cohort.v1.DatasetInfo.$Properties instead.
             */

            /**
             * Shape of a DatasetInfo.
             * @typedef {cohort.v1.DatasetInfo.$Properties} cohort.v1.DatasetInfo.$Shape
             */

            /**
             * Constructs a new DatasetInfo.
             * @memberof cohort.v1
             * @classdesc Represents a DatasetInfo.
             * @constructor
             * @param {cohort.v1.DatasetInfo.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DatasetInfo = function (properties) {
                this.features = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * DatasetInfo schemaId.
             * @member {string} schemaId
             * @memberof cohort.v1.DatasetInfo
             * @instance
             */
            DatasetInfo.prototype.schemaId = "";

            /**
             * DatasetInfo features.
             * @member {Array.<string>} features
             * @memberof cohort.v1.DatasetInfo
             * @instance
             */
            DatasetInfo.prototype.features = $util.emptyArray;

            /**
             * DatasetInfo label.
             * @member {string} label
             * @memberof cohort.v1.DatasetInfo
             * @instance
             */
            DatasetInfo.prototype.label = "";

            /**
             * Creates a new DatasetInfo instance using the specified properties.
             * @function create
             * @memberof cohort.v1.DatasetInfo
             * @static
             * @param {cohort.v1.DatasetInfo.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.DatasetInfo} DatasetInfo instance
             * @type {{
             *   (properties: cohort.v1.DatasetInfo.$Shape): cohort.v1.DatasetInfo & cohort.v1.DatasetInfo.$Shape;
             *   (properties?: cohort.v1.DatasetInfo.$Properties): cohort.v1.DatasetInfo;
             * }}
             */
            DatasetInfo.create = function(properties) {
                return new DatasetInfo(properties);
            };

            /**
             * Encodes the specified DatasetInfo message. Does not implicitly {@link cohort.v1.DatasetInfo.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.DatasetInfo
             * @static
             * @param {cohort.v1.DatasetInfo.$Properties} message DatasetInfo message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DatasetInfo.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.schemaId != null && $Object.hasOwnProperty.call(message, "schemaId") && message.schemaId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.schemaId);
                if (message.features != null && message.features.length)
                    for (let i = 0; i < message.features.length; ++i)
                        writer.uint32(/* id 2, wireType 2 =*/18).string(message.features[i]);
                if (message.label != null && $Object.hasOwnProperty.call(message, "label") && message.label !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.label);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a DatasetInfo message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.DatasetInfo
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.DatasetInfo & cohort.v1.DatasetInfo.$Shape} DatasetInfo
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DatasetInfo.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.DatasetInfo();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.schemaId = value;
                            else
                                delete message.schemaId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.features && message.features.length))
                                message.features = [];
                            message.features.push(reader.stringVerify());
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.label = value;
                            else
                                delete message.label;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for DatasetInfo
             * @function getTypeUrl
             * @memberof cohort.v1.DatasetInfo
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DatasetInfo.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.DatasetInfo";
            };

            return DatasetInfo;
        })();

        v1.Welcome = (function() {

            /**
             * Properties of a Welcome.
             * @typedef {Object} cohort.v1.Welcome.$Properties
             * @property {string|null} [coordinatorId] Welcome coordinatorId
             * @property {number|null} [maxFrameBytes] Welcome maxFrameBytes
             * @property {Uint8Array|null} [ledgerKey] Welcome ledgerKey
             * @property {string|null} [rosterJson] Welcome rosterJson
             * @property {Array.<string>|null} [liveJobs] Welcome liveJobs
             * @property {number|null} [maxMessageBytes] Welcome maxMessageBytes
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Welcome.
             * @memberof cohort.v1
             * @interface IWelcome
             * @augments cohort.v1.Welcome.$Properties
             * @deprecated Use cohort.v1.Welcome.$Properties instead.
             */

            /**
             * Shape of a Welcome.
             * @typedef {cohort.v1.Welcome.$Properties} cohort.v1.Welcome.$Shape
             */

            /**
             * Constructs a new Welcome.
             * @memberof cohort.v1
             * @classdesc Represents a Welcome.
             * @constructor
             * @param {cohort.v1.Welcome.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Welcome = function (properties) {
                this.liveJobs = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Welcome coordinatorId.
             * @member {string} coordinatorId
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.coordinatorId = "";

            /**
             * Welcome maxFrameBytes.
             * @member {number} maxFrameBytes
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.maxFrameBytes = 0;

            /**
             * Welcome ledgerKey.
             * @member {Uint8Array} ledgerKey
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.ledgerKey = $util.newBuffer([]);

            /**
             * Welcome rosterJson.
             * @member {string} rosterJson
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.rosterJson = "";

            /**
             * Welcome liveJobs.
             * @member {Array.<string>} liveJobs
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.liveJobs = $util.emptyArray;

            /**
             * Welcome maxMessageBytes.
             * @member {number} maxMessageBytes
             * @memberof cohort.v1.Welcome
             * @instance
             */
            Welcome.prototype.maxMessageBytes = 0;

            /**
             * Creates a new Welcome instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Welcome
             * @static
             * @param {cohort.v1.Welcome.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Welcome} Welcome instance
             * @type {{
             *   (properties: cohort.v1.Welcome.$Shape): cohort.v1.Welcome & cohort.v1.Welcome.$Shape;
             *   (properties?: cohort.v1.Welcome.$Properties): cohort.v1.Welcome;
             * }}
             */
            Welcome.create = function(properties) {
                return new Welcome(properties);
            };

            /**
             * Encodes the specified Welcome message. Does not implicitly {@link cohort.v1.Welcome.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Welcome
             * @static
             * @param {cohort.v1.Welcome.$Properties} message Welcome message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Welcome.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.coordinatorId != null && $Object.hasOwnProperty.call(message, "coordinatorId") && message.coordinatorId !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.coordinatorId);
                if (message.maxFrameBytes != null && $Object.hasOwnProperty.call(message, "maxFrameBytes") && message.maxFrameBytes !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.maxFrameBytes);
                if (message.ledgerKey != null && $Object.hasOwnProperty.call(message, "ledgerKey") && message.ledgerKey.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.ledgerKey);
                if (message.rosterJson != null && $Object.hasOwnProperty.call(message, "rosterJson") && message.rosterJson !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.rosterJson);
                if (message.liveJobs != null && message.liveJobs.length)
                    for (let i = 0; i < message.liveJobs.length; ++i)
                        writer.uint32(/* id 5, wireType 2 =*/42).string(message.liveJobs[i]);
                if (message.maxMessageBytes != null && $Object.hasOwnProperty.call(message, "maxMessageBytes") && message.maxMessageBytes !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.maxMessageBytes);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Welcome message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Welcome
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Welcome & cohort.v1.Welcome.$Shape} Welcome
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Welcome.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Welcome();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.coordinatorId = value;
                            else
                                delete message.coordinatorId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.maxFrameBytes = value;
                            else
                                delete message.maxFrameBytes;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.ledgerKey = value;
                            else
                                delete message.ledgerKey;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.rosterJson = value;
                            else
                                delete message.rosterJson;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if (!(message.liveJobs && message.liveJobs.length))
                                message.liveJobs = [];
                            message.liveJobs.push(reader.stringVerify());
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.maxMessageBytes = value;
                            else
                                delete message.maxMessageBytes;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Welcome
             * @function getTypeUrl
             * @memberof cohort.v1.Welcome
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Welcome.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Welcome";
            };

            return Welcome;
        })();

        v1.Fragment = (function() {

            /**
             * Properties of a Fragment.
             * @typedef {Object} cohort.v1.Fragment.$Properties
             * @property {number|null} [messageId] Fragment messageId
             * @property {number|null} [index] Fragment index
             * @property {number|null} [count] Fragment count
             * @property {number|null} [totalBytes] Fragment totalBytes
             * @property {Uint8Array|null} [data] Fragment data
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Fragment.
             * @memberof cohort.v1
             * @interface IFragment
             * @augments cohort.v1.Fragment.$Properties
             * @deprecated Use cohort.v1.Fragment.$Properties instead.
             */

            /**
             * Shape of a Fragment.
             * @typedef {cohort.v1.Fragment.$Properties} cohort.v1.Fragment.$Shape
             */

            /**
             * Constructs a new Fragment.
             * @memberof cohort.v1
             * @classdesc Represents a Fragment.
             * @constructor
             * @param {cohort.v1.Fragment.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Fragment = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Fragment messageId.
             * @member {number} messageId
             * @memberof cohort.v1.Fragment
             * @instance
             */
            Fragment.prototype.messageId = 0;

            /**
             * Fragment index.
             * @member {number} index
             * @memberof cohort.v1.Fragment
             * @instance
             */
            Fragment.prototype.index = 0;

            /**
             * Fragment count.
             * @member {number} count
             * @memberof cohort.v1.Fragment
             * @instance
             */
            Fragment.prototype.count = 0;

            /**
             * Fragment totalBytes.
             * @member {number} totalBytes
             * @memberof cohort.v1.Fragment
             * @instance
             */
            Fragment.prototype.totalBytes = 0;

            /**
             * Fragment data.
             * @member {Uint8Array} data
             * @memberof cohort.v1.Fragment
             * @instance
             */
            Fragment.prototype.data = $util.newBuffer([]);

            /**
             * Creates a new Fragment instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Fragment
             * @static
             * @param {cohort.v1.Fragment.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Fragment} Fragment instance
             * @type {{
             *   (properties: cohort.v1.Fragment.$Shape): cohort.v1.Fragment & cohort.v1.Fragment.$Shape;
             *   (properties?: cohort.v1.Fragment.$Properties): cohort.v1.Fragment;
             * }}
             */
            Fragment.create = function(properties) {
                return new Fragment(properties);
            };

            /**
             * Encodes the specified Fragment message. Does not implicitly {@link cohort.v1.Fragment.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Fragment
             * @static
             * @param {cohort.v1.Fragment.$Properties} message Fragment message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Fragment.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.messageId != null && $Object.hasOwnProperty.call(message, "messageId") && message.messageId !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.messageId);
                if (message.index != null && $Object.hasOwnProperty.call(message, "index") && message.index !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.index);
                if (message.count != null && $Object.hasOwnProperty.call(message, "count") && message.count !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.count);
                if (message.totalBytes != null && $Object.hasOwnProperty.call(message, "totalBytes") && message.totalBytes !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.totalBytes);
                if (message.data != null && $Object.hasOwnProperty.call(message, "data") && message.data.length)
                    writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.data);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Fragment message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Fragment
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Fragment & cohort.v1.Fragment.$Shape} Fragment
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Fragment.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Fragment();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.messageId = value;
                            else
                                delete message.messageId;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.index = value;
                            else
                                delete message.index;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.count = value;
                            else
                                delete message.count;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.totalBytes = value;
                            else
                                delete message.totalBytes;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.data = value;
                            else
                                delete message.data;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Fragment
             * @function getTypeUrl
             * @memberof cohort.v1.Fragment
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Fragment.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Fragment";
            };

            return Fragment;
        })();

        v1.RosterUpdate = (function() {

            /**
             * Properties of a RosterUpdate.
             * @typedef {Object} cohort.v1.RosterUpdate.$Properties
             * @property {string|null} [chainJson] RosterUpdate chainJson
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RosterUpdate.
             * @memberof cohort.v1
             * @interface IRosterUpdate
             * @augments cohort.v1.RosterUpdate.$Properties
             * @deprecated Use cohort.v1.RosterUpdate.$Properties instead.
             */

            /**
             * Shape of a RosterUpdate.
             * @typedef {cohort.v1.RosterUpdate.$Properties} cohort.v1.RosterUpdate.$Shape
             */

            /**
             * Constructs a new RosterUpdate.
             * @memberof cohort.v1
             * @classdesc Represents a RosterUpdate.
             * @constructor
             * @param {cohort.v1.RosterUpdate.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RosterUpdate = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RosterUpdate chainJson.
             * @member {string} chainJson
             * @memberof cohort.v1.RosterUpdate
             * @instance
             */
            RosterUpdate.prototype.chainJson = "";

            /**
             * Creates a new RosterUpdate instance using the specified properties.
             * @function create
             * @memberof cohort.v1.RosterUpdate
             * @static
             * @param {cohort.v1.RosterUpdate.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.RosterUpdate} RosterUpdate instance
             * @type {{
             *   (properties: cohort.v1.RosterUpdate.$Shape): cohort.v1.RosterUpdate & cohort.v1.RosterUpdate.$Shape;
             *   (properties?: cohort.v1.RosterUpdate.$Properties): cohort.v1.RosterUpdate;
             * }}
             */
            RosterUpdate.create = function(properties) {
                return new RosterUpdate(properties);
            };

            /**
             * Encodes the specified RosterUpdate message. Does not implicitly {@link cohort.v1.RosterUpdate.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.RosterUpdate
             * @static
             * @param {cohort.v1.RosterUpdate.$Properties} message RosterUpdate message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RosterUpdate.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.chainJson != null && $Object.hasOwnProperty.call(message, "chainJson") && message.chainJson !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.chainJson);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a RosterUpdate message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.RosterUpdate
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.RosterUpdate & cohort.v1.RosterUpdate.$Shape} RosterUpdate
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RosterUpdate.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.RosterUpdate();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.chainJson = value;
                            else
                                delete message.chainJson;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for RosterUpdate
             * @function getTypeUrl
             * @memberof cohort.v1.RosterUpdate
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RosterUpdate.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.RosterUpdate";
            };

            return RosterUpdate;
        })();

        v1.JobOffer = (function() {

            /**
             * Properties of a JobOffer.
             * @typedef {Object} cohort.v1.JobOffer.$Properties
             * @property {string|null} [owner] JobOffer owner
             * @property {string|null} [specJson] JobOffer specJson
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a JobOffer.
             * @memberof cohort.v1
             * @interface IJobOffer
             * @augments cohort.v1.JobOffer.$Properties
             * @deprecated Use cohort.v1.JobOffer.$Properties instead.
             */

            /**
             * Shape of a JobOffer.
             * @typedef {cohort.v1.JobOffer.$Properties} cohort.v1.JobOffer.$Shape
             */

            /**
             * Constructs a new JobOffer.
             * @memberof cohort.v1
             * @classdesc Represents a JobOffer.
             * @constructor
             * @param {cohort.v1.JobOffer.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const JobOffer = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * JobOffer owner.
             * @member {string} owner
             * @memberof cohort.v1.JobOffer
             * @instance
             */
            JobOffer.prototype.owner = "";

            /**
             * JobOffer specJson.
             * @member {string} specJson
             * @memberof cohort.v1.JobOffer
             * @instance
             */
            JobOffer.prototype.specJson = "";

            /**
             * Creates a new JobOffer instance using the specified properties.
             * @function create
             * @memberof cohort.v1.JobOffer
             * @static
             * @param {cohort.v1.JobOffer.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.JobOffer} JobOffer instance
             * @type {{
             *   (properties: cohort.v1.JobOffer.$Shape): cohort.v1.JobOffer & cohort.v1.JobOffer.$Shape;
             *   (properties?: cohort.v1.JobOffer.$Properties): cohort.v1.JobOffer;
             * }}
             */
            JobOffer.create = function(properties) {
                return new JobOffer(properties);
            };

            /**
             * Encodes the specified JobOffer message. Does not implicitly {@link cohort.v1.JobOffer.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.JobOffer
             * @static
             * @param {cohort.v1.JobOffer.$Properties} message JobOffer message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            JobOffer.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.owner != null && $Object.hasOwnProperty.call(message, "owner") && message.owner !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.owner);
                if (message.specJson != null && $Object.hasOwnProperty.call(message, "specJson") && message.specJson !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.specJson);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a JobOffer message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.JobOffer
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.JobOffer & cohort.v1.JobOffer.$Shape} JobOffer
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            JobOffer.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.JobOffer();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.owner = value;
                            else
                                delete message.owner;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.specJson = value;
                            else
                                delete message.specJson;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for JobOffer
             * @function getTypeUrl
             * @memberof cohort.v1.JobOffer
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            JobOffer.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.JobOffer";
            };

            return JobOffer;
        })();

        v1.JoinJob = (function() {

            /**
             * Properties of a JoinJob.
             * @typedef {Object} cohort.v1.JoinJob.$Properties
             * @property {number|null} [weight] JoinJob weight
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a JoinJob.
             * @memberof cohort.v1
             * @interface IJoinJob
             * @augments cohort.v1.JoinJob.$Properties
             * @deprecated Use cohort.v1.JoinJob.$Properties instead.
             */

            /**
             * Shape of a JoinJob.
             * @typedef {cohort.v1.JoinJob.$Properties} cohort.v1.JoinJob.$Shape
             */

            /**
             * Constructs a new JoinJob.
             * @memberof cohort.v1
             * @classdesc Represents a JoinJob.
             * @constructor
             * @param {cohort.v1.JoinJob.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const JoinJob = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * JoinJob weight.
             * @member {number} weight
             * @memberof cohort.v1.JoinJob
             * @instance
             */
            JoinJob.prototype.weight = 0;

            /**
             * Creates a new JoinJob instance using the specified properties.
             * @function create
             * @memberof cohort.v1.JoinJob
             * @static
             * @param {cohort.v1.JoinJob.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.JoinJob} JoinJob instance
             * @type {{
             *   (properties: cohort.v1.JoinJob.$Shape): cohort.v1.JoinJob & cohort.v1.JoinJob.$Shape;
             *   (properties?: cohort.v1.JoinJob.$Properties): cohort.v1.JoinJob;
             * }}
             */
            JoinJob.create = function(properties) {
                return new JoinJob(properties);
            };

            /**
             * Encodes the specified JoinJob message. Does not implicitly {@link cohort.v1.JoinJob.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.JoinJob
             * @static
             * @param {cohort.v1.JoinJob.$Properties} message JoinJob message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            JoinJob.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.weight != null && $Object.hasOwnProperty.call(message, "weight") && message.weight !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.weight);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a JoinJob message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.JoinJob
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.JoinJob & cohort.v1.JoinJob.$Shape} JoinJob
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            JoinJob.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.JoinJob();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.weight = value;
                            else
                                delete message.weight;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for JoinJob
             * @function getTypeUrl
             * @memberof cohort.v1.JoinJob
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            JoinJob.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.JoinJob";
            };

            return JoinJob;
        })();

        v1.DeclineJob = (function() {

            /**
             * Properties of a DeclineJob.
             * @typedef {Object} cohort.v1.DeclineJob.$Properties
             * @property {string|null} [code] DeclineJob code
             * @property {string|null} [reason] DeclineJob reason
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a DeclineJob.
             * @memberof cohort.v1
             * @interface IDeclineJob
             * @augments cohort.v1.DeclineJob.$Properties
             * @deprecated Use cohort.v1.DeclineJob.$Properties instead.
             */

            /**
             * Shape of a DeclineJob.
             * @typedef {cohort.v1.DeclineJob.$Properties} cohort.v1.DeclineJob.$Shape
             */

            /**
             * Constructs a new DeclineJob.
             * @memberof cohort.v1
             * @classdesc Represents a DeclineJob.
             * @constructor
             * @param {cohort.v1.DeclineJob.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const DeclineJob = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * DeclineJob code.
             * @member {string} code
             * @memberof cohort.v1.DeclineJob
             * @instance
             */
            DeclineJob.prototype.code = "";

            /**
             * DeclineJob reason.
             * @member {string} reason
             * @memberof cohort.v1.DeclineJob
             * @instance
             */
            DeclineJob.prototype.reason = "";

            /**
             * Creates a new DeclineJob instance using the specified properties.
             * @function create
             * @memberof cohort.v1.DeclineJob
             * @static
             * @param {cohort.v1.DeclineJob.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.DeclineJob} DeclineJob instance
             * @type {{
             *   (properties: cohort.v1.DeclineJob.$Shape): cohort.v1.DeclineJob & cohort.v1.DeclineJob.$Shape;
             *   (properties?: cohort.v1.DeclineJob.$Properties): cohort.v1.DeclineJob;
             * }}
             */
            DeclineJob.create = function(properties) {
                return new DeclineJob(properties);
            };

            /**
             * Encodes the specified DeclineJob message. Does not implicitly {@link cohort.v1.DeclineJob.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.DeclineJob
             * @static
             * @param {cohort.v1.DeclineJob.$Properties} message DeclineJob message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            DeclineJob.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.code);
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a DeclineJob message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.DeclineJob
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.DeclineJob & cohort.v1.DeclineJob.$Shape} DeclineJob
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            DeclineJob.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.DeclineJob();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.reason = value;
                            else
                                delete message.reason;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for DeclineJob
             * @function getTypeUrl
             * @memberof cohort.v1.DeclineJob
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            DeclineJob.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.DeclineJob";
            };

            return DeclineJob;
        })();

        v1.RoundConfig = (function() {

            /**
             * Properties of a RoundConfig.
             * @typedef {Object} cohort.v1.RoundConfig.$Properties
             * @property {cohort.v1.Tensor.$Properties|null} [weights] RoundConfig weights
             * @property {boolean|null} [train] RoundConfig train
             * @property {number|null} [deadlineUnixMs] RoundConfig deadlineUnixMs
             * @property {number|null} [seed] RoundConfig seed
             * @property {cohort.v1.SecAggParams.$Properties|null} [secagg] RoundConfig secagg
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RoundConfig.
             * @memberof cohort.v1
             * @interface IRoundConfig
             * @augments cohort.v1.RoundConfig.$Properties
             * @deprecated Use cohort.v1.RoundConfig.$Properties instead.
             */

            /**
             * Shape of a RoundConfig.
             * @typedef {cohort.v1.RoundConfig.$Properties} cohort.v1.RoundConfig.$Shape
             */

            /**
             * Constructs a new RoundConfig.
             * @memberof cohort.v1
             * @classdesc Represents a RoundConfig.
             * @constructor
             * @param {cohort.v1.RoundConfig.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RoundConfig = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RoundConfig weights.
             * @member {cohort.v1.Tensor.$Properties|null|undefined} weights
             * @memberof cohort.v1.RoundConfig
             * @instance
             */
            RoundConfig.prototype.weights = null;

            /**
             * RoundConfig train.
             * @member {boolean} train
             * @memberof cohort.v1.RoundConfig
             * @instance
             */
            RoundConfig.prototype.train = false;

            /**
             * RoundConfig deadlineUnixMs.
             * @member {number} deadlineUnixMs
             * @memberof cohort.v1.RoundConfig
             * @instance
             */
            RoundConfig.prototype.deadlineUnixMs = 0;

            /**
             * RoundConfig seed.
             * @member {number} seed
             * @memberof cohort.v1.RoundConfig
             * @instance
             */
            RoundConfig.prototype.seed = 0;

            /**
             * RoundConfig secagg.
             * @member {cohort.v1.SecAggParams.$Properties|null|undefined} secagg
             * @memberof cohort.v1.RoundConfig
             * @instance
             */
            RoundConfig.prototype.secagg = null;

            /**
             * Creates a new RoundConfig instance using the specified properties.
             * @function create
             * @memberof cohort.v1.RoundConfig
             * @static
             * @param {cohort.v1.RoundConfig.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.RoundConfig} RoundConfig instance
             * @type {{
             *   (properties: cohort.v1.RoundConfig.$Shape): cohort.v1.RoundConfig & cohort.v1.RoundConfig.$Shape;
             *   (properties?: cohort.v1.RoundConfig.$Properties): cohort.v1.RoundConfig;
             * }}
             */
            RoundConfig.create = function(properties) {
                return new RoundConfig(properties);
            };

            /**
             * Encodes the specified RoundConfig message. Does not implicitly {@link cohort.v1.RoundConfig.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.RoundConfig
             * @static
             * @param {cohort.v1.RoundConfig.$Properties} message RoundConfig message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RoundConfig.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.weights != null && $Object.hasOwnProperty.call(message, "weights"))
                    $root.cohort.v1.Tensor.encode(message.weights, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.train != null && $Object.hasOwnProperty.call(message, "train") && message.train !== false)
                    writer.uint32(/* id 2, wireType 0 =*/16).bool(message.train);
                if (message.deadlineUnixMs != null && $Object.hasOwnProperty.call(message, "deadlineUnixMs") && !$Object.is(message.deadlineUnixMs, 0))
                    writer.uint32(/* id 3, wireType 1 =*/25).double(message.deadlineUnixMs);
                if (message.seed != null && $Object.hasOwnProperty.call(message, "seed") && message.seed !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.seed);
                if (message.secagg != null && $Object.hasOwnProperty.call(message, "secagg"))
                    $root.cohort.v1.SecAggParams.encode(message.secagg, writer.uint32(/* id 5, wireType 2 =*/42).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a RoundConfig message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.RoundConfig
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.RoundConfig & cohort.v1.RoundConfig.$Shape} RoundConfig
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RoundConfig.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.RoundConfig();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.weights = $root.cohort.v1.Tensor.decode(reader, reader.size(), $undefined, _depth + 1, message.weights);
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.train = value;
                            else
                                delete message.train;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.deadlineUnixMs = value;
                            else
                                delete message.deadlineUnixMs;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.seed = value;
                            else
                                delete message.seed;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            message.secagg = $root.cohort.v1.SecAggParams.decode(reader, reader.size(), $undefined, _depth + 1, message.secagg);
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for RoundConfig
             * @function getTypeUrl
             * @memberof cohort.v1.RoundConfig
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RoundConfig.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.RoundConfig";
            };

            return RoundConfig;
        })();

        v1.SecAggParams = (function() {

            /**
             * Properties of a SecAggParams.
             * @typedef {Object} cohort.v1.SecAggParams.$Properties
             * @property {number|null} [bits] SecAggParams bits
             * @property {number|null} [threshold] SecAggParams threshold
             * @property {number|null} [degree] SecAggParams degree
             * @property {number|null} [clip] SecAggParams clip
             * @property {Array.<string>|null} [participants] SecAggParams participants
             * @property {number|null} [totalExamples] SecAggParams totalExamples
             * @property {number|null} [attempt] SecAggParams attempt
             * @property {Uint8Array|null} [rosterHash] SecAggParams rosterHash
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggParams.
             * @memberof cohort.v1
             * @interface ISecAggParams
             * @augments cohort.v1.SecAggParams.$Properties
             * @deprecated Use cohort.v1.SecAggParams.$Properties instead.
             */

            /**
             * Shape of a SecAggParams.
             * @typedef {cohort.v1.SecAggParams.$Properties} cohort.v1.SecAggParams.$Shape
             */

            /**
             * Constructs a new SecAggParams.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggParams.
             * @constructor
             * @param {cohort.v1.SecAggParams.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggParams = function (properties) {
                this.participants = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggParams bits.
             * @member {number} bits
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.bits = 0;

            /**
             * SecAggParams threshold.
             * @member {number} threshold
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.threshold = 0;

            /**
             * SecAggParams degree.
             * @member {number} degree
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.degree = 0;

            /**
             * SecAggParams clip.
             * @member {number} clip
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.clip = 0;

            /**
             * SecAggParams participants.
             * @member {Array.<string>} participants
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.participants = $util.emptyArray;

            /**
             * SecAggParams totalExamples.
             * @member {number} totalExamples
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.totalExamples = 0;

            /**
             * SecAggParams attempt.
             * @member {number} attempt
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.attempt = 0;

            /**
             * SecAggParams rosterHash.
             * @member {Uint8Array} rosterHash
             * @memberof cohort.v1.SecAggParams
             * @instance
             */
            SecAggParams.prototype.rosterHash = $util.newBuffer([]);

            /**
             * Creates a new SecAggParams instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggParams
             * @static
             * @param {cohort.v1.SecAggParams.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggParams} SecAggParams instance
             * @type {{
             *   (properties: cohort.v1.SecAggParams.$Shape): cohort.v1.SecAggParams & cohort.v1.SecAggParams.$Shape;
             *   (properties?: cohort.v1.SecAggParams.$Properties): cohort.v1.SecAggParams;
             * }}
             */
            SecAggParams.create = function(properties) {
                return new SecAggParams(properties);
            };

            /**
             * Encodes the specified SecAggParams message. Does not implicitly {@link cohort.v1.SecAggParams.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggParams
             * @static
             * @param {cohort.v1.SecAggParams.$Properties} message SecAggParams message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggParams.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.bits != null && $Object.hasOwnProperty.call(message, "bits") && message.bits !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.bits);
                if (message.threshold != null && $Object.hasOwnProperty.call(message, "threshold") && message.threshold !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.threshold);
                if (message.degree != null && $Object.hasOwnProperty.call(message, "degree") && message.degree !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).uint32(message.degree);
                if (message.clip != null && $Object.hasOwnProperty.call(message, "clip") && !$Object.is(message.clip, 0))
                    writer.uint32(/* id 4, wireType 1 =*/33).double(message.clip);
                if (message.participants != null && message.participants.length)
                    for (let i = 0; i < message.participants.length; ++i)
                        writer.uint32(/* id 6, wireType 2 =*/50).string(message.participants[i]);
                if (message.totalExamples != null && $Object.hasOwnProperty.call(message, "totalExamples") && message.totalExamples !== 0)
                    writer.uint32(/* id 7, wireType 0 =*/56).uint32(message.totalExamples);
                if (message.attempt != null && $Object.hasOwnProperty.call(message, "attempt") && message.attempt !== 0)
                    writer.uint32(/* id 8, wireType 0 =*/64).uint32(message.attempt);
                if (message.rosterHash != null && $Object.hasOwnProperty.call(message, "rosterHash") && message.rosterHash.length)
                    writer.uint32(/* id 9, wireType 2 =*/74).bytes(message.rosterHash);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggParams message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggParams
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggParams & cohort.v1.SecAggParams.$Shape} SecAggParams
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggParams.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggParams();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.bits = value;
                            else
                                delete message.bits;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.threshold = value;
                            else
                                delete message.threshold;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.degree = value;
                            else
                                delete message.degree;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.clip = value;
                            else
                                delete message.clip;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if (!(message.participants && message.participants.length))
                                message.participants = [];
                            message.participants.push(reader.stringVerify());
                            continue;
                        }
                    case 7: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.totalExamples = value;
                            else
                                delete message.totalExamples;
                            continue;
                        }
                    case 8: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.attempt = value;
                            else
                                delete message.attempt;
                            continue;
                        }
                    case 9: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.rosterHash = value;
                            else
                                delete message.rosterHash;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggParams
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggParams
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggParams.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggParams";
            };

            return SecAggParams;
        })();

        v1.SecAggAdvertise = (function() {

            /**
             * Properties of a SecAggAdvertise.
             * @typedef {Object} cohort.v1.SecAggAdvertise.$Properties
             * @property {Uint8Array|null} [cPk] SecAggAdvertise cPk
             * @property {Uint8Array|null} [sPk] SecAggAdvertise sPk
             * @property {Uint8Array|null} [signature] SecAggAdvertise signature
             * @property {Uint8Array|null} [seedCommit] SecAggAdvertise seedCommit
             * @property {Uint8Array|null} [maskCommit] SecAggAdvertise maskCommit
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggAdvertise.
             * @memberof cohort.v1
             * @interface ISecAggAdvertise
             * @augments cohort.v1.SecAggAdvertise.$Properties
             * @deprecated Use cohort.v1.SecAggAdvertise.$Properties instead.
             */

            /**
             * Shape of a SecAggAdvertise.
             * @typedef {cohort.v1.SecAggAdvertise.$Properties} cohort.v1.SecAggAdvertise.$Shape
             */

            /**
             * Constructs a new SecAggAdvertise.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggAdvertise.
             * @constructor
             * @param {cohort.v1.SecAggAdvertise.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggAdvertise = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggAdvertise cPk.
             * @member {Uint8Array} cPk
             * @memberof cohort.v1.SecAggAdvertise
             * @instance
             */
            SecAggAdvertise.prototype.cPk = $util.newBuffer([]);

            /**
             * SecAggAdvertise sPk.
             * @member {Uint8Array} sPk
             * @memberof cohort.v1.SecAggAdvertise
             * @instance
             */
            SecAggAdvertise.prototype.sPk = $util.newBuffer([]);

            /**
             * SecAggAdvertise signature.
             * @member {Uint8Array} signature
             * @memberof cohort.v1.SecAggAdvertise
             * @instance
             */
            SecAggAdvertise.prototype.signature = $util.newBuffer([]);

            /**
             * SecAggAdvertise seedCommit.
             * @member {Uint8Array} seedCommit
             * @memberof cohort.v1.SecAggAdvertise
             * @instance
             */
            SecAggAdvertise.prototype.seedCommit = $util.newBuffer([]);

            /**
             * SecAggAdvertise maskCommit.
             * @member {Uint8Array} maskCommit
             * @memberof cohort.v1.SecAggAdvertise
             * @instance
             */
            SecAggAdvertise.prototype.maskCommit = $util.newBuffer([]);

            /**
             * Creates a new SecAggAdvertise instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggAdvertise
             * @static
             * @param {cohort.v1.SecAggAdvertise.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggAdvertise} SecAggAdvertise instance
             * @type {{
             *   (properties: cohort.v1.SecAggAdvertise.$Shape): cohort.v1.SecAggAdvertise & cohort.v1.SecAggAdvertise.$Shape;
             *   (properties?: cohort.v1.SecAggAdvertise.$Properties): cohort.v1.SecAggAdvertise;
             * }}
             */
            SecAggAdvertise.create = function(properties) {
                return new SecAggAdvertise(properties);
            };

            /**
             * Encodes the specified SecAggAdvertise message. Does not implicitly {@link cohort.v1.SecAggAdvertise.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggAdvertise
             * @static
             * @param {cohort.v1.SecAggAdvertise.$Properties} message SecAggAdvertise message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggAdvertise.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.cPk != null && $Object.hasOwnProperty.call(message, "cPk") && message.cPk.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.cPk);
                if (message.sPk != null && $Object.hasOwnProperty.call(message, "sPk") && message.sPk.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.sPk);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.signature);
                if (message.seedCommit != null && $Object.hasOwnProperty.call(message, "seedCommit") && message.seedCommit.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.seedCommit);
                if (message.maskCommit != null && $Object.hasOwnProperty.call(message, "maskCommit") && message.maskCommit.length)
                    writer.uint32(/* id 5, wireType 2 =*/42).bytes(message.maskCommit);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggAdvertise message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggAdvertise
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggAdvertise & cohort.v1.SecAggAdvertise.$Shape} SecAggAdvertise
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggAdvertise.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggAdvertise();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.cPk = value;
                            else
                                delete message.cPk;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.sPk = value;
                            else
                                delete message.sPk;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.seedCommit = value;
                            else
                                delete message.seedCommit;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.maskCommit = value;
                            else
                                delete message.maskCommit;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggAdvertise
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggAdvertise
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggAdvertise.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggAdvertise";
            };

            return SecAggAdvertise;
        })();

        v1.NamedBytes = (function() {

            /**
             * Properties of a NamedBytes.
             * @typedef {Object} cohort.v1.NamedBytes.$Properties
             * @property {string|null} [name] NamedBytes name
             * @property {Uint8Array|null} [value] NamedBytes value
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a NamedBytes.
             * @memberof cohort.v1
             * @interface INamedBytes
             * @augments cohort.v1.NamedBytes.$Properties
             * @deprecated Use cohort.v1.NamedBytes.$Properties instead.
             */

            /**
             * Shape of a NamedBytes.
             * @typedef {cohort.v1.NamedBytes.$Properties} cohort.v1.NamedBytes.$Shape
             */

            /**
             * Constructs a new NamedBytes.
             * @memberof cohort.v1
             * @classdesc Represents a NamedBytes.
             * @constructor
             * @param {cohort.v1.NamedBytes.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const NamedBytes = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * NamedBytes name.
             * @member {string} name
             * @memberof cohort.v1.NamedBytes
             * @instance
             */
            NamedBytes.prototype.name = "";

            /**
             * NamedBytes value.
             * @member {Uint8Array} value
             * @memberof cohort.v1.NamedBytes
             * @instance
             */
            NamedBytes.prototype.value = $util.newBuffer([]);

            /**
             * Creates a new NamedBytes instance using the specified properties.
             * @function create
             * @memberof cohort.v1.NamedBytes
             * @static
             * @param {cohort.v1.NamedBytes.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.NamedBytes} NamedBytes instance
             * @type {{
             *   (properties: cohort.v1.NamedBytes.$Shape): cohort.v1.NamedBytes & cohort.v1.NamedBytes.$Shape;
             *   (properties?: cohort.v1.NamedBytes.$Properties): cohort.v1.NamedBytes;
             * }}
             */
            NamedBytes.create = function(properties) {
                return new NamedBytes(properties);
            };

            /**
             * Encodes the specified NamedBytes message. Does not implicitly {@link cohort.v1.NamedBytes.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.NamedBytes
             * @static
             * @param {cohort.v1.NamedBytes.$Properties} message NamedBytes message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            NamedBytes.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.value != null && $Object.hasOwnProperty.call(message, "value") && message.value.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.value);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a NamedBytes message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.NamedBytes
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.NamedBytes & cohort.v1.NamedBytes.$Shape} NamedBytes
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            NamedBytes.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.NamedBytes();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.value = value;
                            else
                                delete message.value;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for NamedBytes
             * @function getTypeUrl
             * @memberof cohort.v1.NamedBytes
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            NamedBytes.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.NamedBytes";
            };

            return NamedBytes;
        })();

        v1.SecAggCommitments = (function() {

            /**
             * Properties of a SecAggCommitments.
             * @typedef {Object} cohort.v1.SecAggCommitments.$Properties
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [commitments] SecAggCommitments commitments
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggCommitments.
             * @memberof cohort.v1
             * @interface ISecAggCommitments
             * @augments cohort.v1.SecAggCommitments.$Properties
             * @deprecated Use cohort.v1.SecAggCommitments.$Properties instead.
             */

            /**
             * Shape of a SecAggCommitments.
             * @typedef {cohort.v1.SecAggCommitments.$Properties} cohort.v1.SecAggCommitments.$Shape
             */

            /**
             * Constructs a new SecAggCommitments.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggCommitments.
             * @constructor
             * @param {cohort.v1.SecAggCommitments.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggCommitments = function (properties) {
                this.commitments = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggCommitments commitments.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} commitments
             * @memberof cohort.v1.SecAggCommitments
             * @instance
             */
            SecAggCommitments.prototype.commitments = $util.emptyArray;

            /**
             * Creates a new SecAggCommitments instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggCommitments
             * @static
             * @param {cohort.v1.SecAggCommitments.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggCommitments} SecAggCommitments instance
             * @type {{
             *   (properties: cohort.v1.SecAggCommitments.$Shape): cohort.v1.SecAggCommitments & cohort.v1.SecAggCommitments.$Shape;
             *   (properties?: cohort.v1.SecAggCommitments.$Properties): cohort.v1.SecAggCommitments;
             * }}
             */
            SecAggCommitments.create = function(properties) {
                return new SecAggCommitments(properties);
            };

            /**
             * Encodes the specified SecAggCommitments message. Does not implicitly {@link cohort.v1.SecAggCommitments.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggCommitments
             * @static
             * @param {cohort.v1.SecAggCommitments.$Properties} message SecAggCommitments message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggCommitments.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.commitments != null && message.commitments.length)
                    for (let i = 0; i < message.commitments.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.commitments[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggCommitments message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggCommitments
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggCommitments & cohort.v1.SecAggCommitments.$Shape} SecAggCommitments
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggCommitments.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggCommitments();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.commitments && message.commitments.length))
                                message.commitments = [];
                            message.commitments.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggCommitments
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggCommitments
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggCommitments.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggCommitments";
            };

            return SecAggCommitments;
        })();

        v1.SecAggReveal = (function() {

            /**
             * Properties of a SecAggReveal.
             * @typedef {Object} cohort.v1.SecAggReveal.$Properties
             * @property {Uint8Array|null} [nonce] SecAggReveal nonce
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggReveal.
             * @memberof cohort.v1
             * @interface ISecAggReveal
             * @augments cohort.v1.SecAggReveal.$Properties
             * @deprecated Use cohort.v1.SecAggReveal.$Properties instead.
             */

            /**
             * Shape of a SecAggReveal.
             * @typedef {cohort.v1.SecAggReveal.$Properties} cohort.v1.SecAggReveal.$Shape
             */

            /**
             * Constructs a new SecAggReveal.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggReveal.
             * @constructor
             * @param {cohort.v1.SecAggReveal.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggReveal = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggReveal nonce.
             * @member {Uint8Array} nonce
             * @memberof cohort.v1.SecAggReveal
             * @instance
             */
            SecAggReveal.prototype.nonce = $util.newBuffer([]);

            /**
             * Creates a new SecAggReveal instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggReveal
             * @static
             * @param {cohort.v1.SecAggReveal.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggReveal} SecAggReveal instance
             * @type {{
             *   (properties: cohort.v1.SecAggReveal.$Shape): cohort.v1.SecAggReveal & cohort.v1.SecAggReveal.$Shape;
             *   (properties?: cohort.v1.SecAggReveal.$Properties): cohort.v1.SecAggReveal;
             * }}
             */
            SecAggReveal.create = function(properties) {
                return new SecAggReveal(properties);
            };

            /**
             * Encodes the specified SecAggReveal message. Does not implicitly {@link cohort.v1.SecAggReveal.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggReveal
             * @static
             * @param {cohort.v1.SecAggReveal.$Properties} message SecAggReveal message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggReveal.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.nonce != null && $Object.hasOwnProperty.call(message, "nonce") && message.nonce.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.nonce);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggReveal message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggReveal
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggReveal & cohort.v1.SecAggReveal.$Shape} SecAggReveal
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggReveal.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggReveal();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.nonce = value;
                            else
                                delete message.nonce;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggReveal
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggReveal
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggReveal.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggReveal";
            };

            return SecAggReveal;
        })();

        v1.SecAggKeys = (function() {

            /**
             * Properties of a SecAggKeys.
             * @typedef {Object} cohort.v1.SecAggKeys.$Properties
             * @property {Array.<cohort.v1.SecAggClientKeys.$Properties>|null} [clients] SecAggKeys clients
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [reveals] SecAggKeys reveals
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggKeys.
             * @memberof cohort.v1
             * @interface ISecAggKeys
             * @augments cohort.v1.SecAggKeys.$Properties
             * @deprecated Use cohort.v1.SecAggKeys.$Properties instead.
             */

            /**
             * Shape of a SecAggKeys.
             * @typedef {cohort.v1.SecAggKeys.$Properties} cohort.v1.SecAggKeys.$Shape
             */

            /**
             * Constructs a new SecAggKeys.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggKeys.
             * @constructor
             * @param {cohort.v1.SecAggKeys.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggKeys = function (properties) {
                this.clients = [];
                this.reveals = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggKeys clients.
             * @member {Array.<cohort.v1.SecAggClientKeys.$Properties>} clients
             * @memberof cohort.v1.SecAggKeys
             * @instance
             */
            SecAggKeys.prototype.clients = $util.emptyArray;

            /**
             * SecAggKeys reveals.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} reveals
             * @memberof cohort.v1.SecAggKeys
             * @instance
             */
            SecAggKeys.prototype.reveals = $util.emptyArray;

            /**
             * Creates a new SecAggKeys instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggKeys
             * @static
             * @param {cohort.v1.SecAggKeys.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggKeys} SecAggKeys instance
             * @type {{
             *   (properties: cohort.v1.SecAggKeys.$Shape): cohort.v1.SecAggKeys & cohort.v1.SecAggKeys.$Shape;
             *   (properties?: cohort.v1.SecAggKeys.$Properties): cohort.v1.SecAggKeys;
             * }}
             */
            SecAggKeys.create = function(properties) {
                return new SecAggKeys(properties);
            };

            /**
             * Encodes the specified SecAggKeys message. Does not implicitly {@link cohort.v1.SecAggKeys.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggKeys
             * @static
             * @param {cohort.v1.SecAggKeys.$Properties} message SecAggKeys message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggKeys.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.clients != null && message.clients.length)
                    for (let i = 0; i < message.clients.length; ++i)
                        $root.cohort.v1.SecAggClientKeys.encode(message.clients[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.reveals != null && message.reveals.length)
                    for (let i = 0; i < message.reveals.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.reveals[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggKeys message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggKeys
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggKeys & cohort.v1.SecAggKeys.$Shape} SecAggKeys
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggKeys.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggKeys();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.clients && message.clients.length))
                                message.clients = [];
                            message.clients.push($root.cohort.v1.SecAggClientKeys.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.reveals && message.reveals.length))
                                message.reveals = [];
                            message.reveals.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggKeys
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggKeys
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggKeys.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggKeys";
            };

            return SecAggKeys;
        })();

        v1.SecAggClientKeys = (function() {

            /**
             * Properties of a SecAggClientKeys.
             * @typedef {Object} cohort.v1.SecAggClientKeys.$Properties
             * @property {string|null} [name] SecAggClientKeys name
             * @property {Uint8Array|null} [cPk] SecAggClientKeys cPk
             * @property {Uint8Array|null} [sPk] SecAggClientKeys sPk
             * @property {Uint8Array|null} [signature] SecAggClientKeys signature
             * @property {Uint8Array|null} [seedCommit] SecAggClientKeys seedCommit
             * @property {Uint8Array|null} [maskCommit] SecAggClientKeys maskCommit
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggClientKeys.
             * @memberof cohort.v1
             * @interface ISecAggClientKeys
             * @augments cohort.v1.SecAggClientKeys.$Properties
             * @deprecated Use cohort.v1.SecAggClientKeys.$Properties instead.
             */

            /**
             * Shape of a SecAggClientKeys.
             * @typedef {cohort.v1.SecAggClientKeys.$Properties} cohort.v1.SecAggClientKeys.$Shape
             */

            /**
             * Constructs a new SecAggClientKeys.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggClientKeys.
             * @constructor
             * @param {cohort.v1.SecAggClientKeys.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggClientKeys = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggClientKeys name.
             * @member {string} name
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.name = "";

            /**
             * SecAggClientKeys cPk.
             * @member {Uint8Array} cPk
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.cPk = $util.newBuffer([]);

            /**
             * SecAggClientKeys sPk.
             * @member {Uint8Array} sPk
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.sPk = $util.newBuffer([]);

            /**
             * SecAggClientKeys signature.
             * @member {Uint8Array} signature
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.signature = $util.newBuffer([]);

            /**
             * SecAggClientKeys seedCommit.
             * @member {Uint8Array} seedCommit
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.seedCommit = $util.newBuffer([]);

            /**
             * SecAggClientKeys maskCommit.
             * @member {Uint8Array} maskCommit
             * @memberof cohort.v1.SecAggClientKeys
             * @instance
             */
            SecAggClientKeys.prototype.maskCommit = $util.newBuffer([]);

            /**
             * Creates a new SecAggClientKeys instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggClientKeys
             * @static
             * @param {cohort.v1.SecAggClientKeys.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggClientKeys} SecAggClientKeys instance
             * @type {{
             *   (properties: cohort.v1.SecAggClientKeys.$Shape): cohort.v1.SecAggClientKeys & cohort.v1.SecAggClientKeys.$Shape;
             *   (properties?: cohort.v1.SecAggClientKeys.$Properties): cohort.v1.SecAggClientKeys;
             * }}
             */
            SecAggClientKeys.create = function(properties) {
                return new SecAggClientKeys(properties);
            };

            /**
             * Encodes the specified SecAggClientKeys message. Does not implicitly {@link cohort.v1.SecAggClientKeys.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggClientKeys
             * @static
             * @param {cohort.v1.SecAggClientKeys.$Properties} message SecAggClientKeys message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggClientKeys.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.name != null && $Object.hasOwnProperty.call(message, "name") && message.name !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.name);
                if (message.cPk != null && $Object.hasOwnProperty.call(message, "cPk") && message.cPk.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.cPk);
                if (message.sPk != null && $Object.hasOwnProperty.call(message, "sPk") && message.sPk.length)
                    writer.uint32(/* id 3, wireType 2 =*/26).bytes(message.sPk);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.signature);
                if (message.seedCommit != null && $Object.hasOwnProperty.call(message, "seedCommit") && message.seedCommit.length)
                    writer.uint32(/* id 6, wireType 2 =*/50).bytes(message.seedCommit);
                if (message.maskCommit != null && $Object.hasOwnProperty.call(message, "maskCommit") && message.maskCommit.length)
                    writer.uint32(/* id 7, wireType 2 =*/58).bytes(message.maskCommit);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggClientKeys message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggClientKeys
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggClientKeys & cohort.v1.SecAggClientKeys.$Shape} SecAggClientKeys
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggClientKeys.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggClientKeys();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.name = value;
                            else
                                delete message.name;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.cPk = value;
                            else
                                delete message.cPk;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.sPk = value;
                            else
                                delete message.sPk;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.seedCommit = value;
                            else
                                delete message.seedCommit;
                            continue;
                        }
                    case 7: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.maskCommit = value;
                            else
                                delete message.maskCommit;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggClientKeys
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggClientKeys
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggClientKeys.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggClientKeys";
            };

            return SecAggClientKeys;
        })();

        v1.SecAggShares = (function() {

            /**
             * Properties of a SecAggShares.
             * @typedef {Object} cohort.v1.SecAggShares.$Properties
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [shares] SecAggShares shares
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggShares.
             * @memberof cohort.v1
             * @interface ISecAggShares
             * @augments cohort.v1.SecAggShares.$Properties
             * @deprecated Use cohort.v1.SecAggShares.$Properties instead.
             */

            /**
             * Shape of a SecAggShares.
             * @typedef {cohort.v1.SecAggShares.$Properties} cohort.v1.SecAggShares.$Shape
             */

            /**
             * Constructs a new SecAggShares.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggShares.
             * @constructor
             * @param {cohort.v1.SecAggShares.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggShares = function (properties) {
                this.shares = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggShares shares.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} shares
             * @memberof cohort.v1.SecAggShares
             * @instance
             */
            SecAggShares.prototype.shares = $util.emptyArray;

            /**
             * Creates a new SecAggShares instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggShares
             * @static
             * @param {cohort.v1.SecAggShares.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggShares} SecAggShares instance
             * @type {{
             *   (properties: cohort.v1.SecAggShares.$Shape): cohort.v1.SecAggShares & cohort.v1.SecAggShares.$Shape;
             *   (properties?: cohort.v1.SecAggShares.$Properties): cohort.v1.SecAggShares;
             * }}
             */
            SecAggShares.create = function(properties) {
                return new SecAggShares(properties);
            };

            /**
             * Encodes the specified SecAggShares message. Does not implicitly {@link cohort.v1.SecAggShares.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggShares
             * @static
             * @param {cohort.v1.SecAggShares.$Properties} message SecAggShares message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggShares.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.shares != null && message.shares.length)
                    for (let i = 0; i < message.shares.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.shares[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggShares message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggShares
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggShares & cohort.v1.SecAggShares.$Shape} SecAggShares
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggShares.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggShares();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.shares && message.shares.length))
                                message.shares = [];
                            message.shares.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggShares
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggShares
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggShares.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggShares";
            };

            return SecAggShares;
        })();

        v1.SecAggMaskedInput = (function() {

            /**
             * Properties of a SecAggMaskedInput.
             * @typedef {Object} cohort.v1.SecAggMaskedInput.$Properties
             * @property {Uint8Array|null} [masked] SecAggMaskedInput masked
             * @property {Array.<string>|null} [rejected] SecAggMaskedInput rejected
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggMaskedInput.
             * @memberof cohort.v1
             * @interface ISecAggMaskedInput
             * @augments cohort.v1.SecAggMaskedInput.$Properties
             * @deprecated Use cohort.v1.SecAggMaskedInput.$Properties instead.
             */

            /**
             * Shape of a SecAggMaskedInput.
             * @typedef {cohort.v1.SecAggMaskedInput.$Properties} cohort.v1.SecAggMaskedInput.$Shape
             */

            /**
             * Constructs a new SecAggMaskedInput.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggMaskedInput.
             * @constructor
             * @param {cohort.v1.SecAggMaskedInput.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggMaskedInput = function (properties) {
                this.rejected = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggMaskedInput masked.
             * @member {Uint8Array} masked
             * @memberof cohort.v1.SecAggMaskedInput
             * @instance
             */
            SecAggMaskedInput.prototype.masked = $util.newBuffer([]);

            /**
             * SecAggMaskedInput rejected.
             * @member {Array.<string>} rejected
             * @memberof cohort.v1.SecAggMaskedInput
             * @instance
             */
            SecAggMaskedInput.prototype.rejected = $util.emptyArray;

            /**
             * Creates a new SecAggMaskedInput instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggMaskedInput
             * @static
             * @param {cohort.v1.SecAggMaskedInput.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggMaskedInput} SecAggMaskedInput instance
             * @type {{
             *   (properties: cohort.v1.SecAggMaskedInput.$Shape): cohort.v1.SecAggMaskedInput & cohort.v1.SecAggMaskedInput.$Shape;
             *   (properties?: cohort.v1.SecAggMaskedInput.$Properties): cohort.v1.SecAggMaskedInput;
             * }}
             */
            SecAggMaskedInput.create = function(properties) {
                return new SecAggMaskedInput(properties);
            };

            /**
             * Encodes the specified SecAggMaskedInput message. Does not implicitly {@link cohort.v1.SecAggMaskedInput.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggMaskedInput
             * @static
             * @param {cohort.v1.SecAggMaskedInput.$Properties} message SecAggMaskedInput message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggMaskedInput.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.masked != null && $Object.hasOwnProperty.call(message, "masked") && message.masked.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.masked);
                if (message.rejected != null && message.rejected.length)
                    for (let i = 0; i < message.rejected.length; ++i)
                        writer.uint32(/* id 2, wireType 2 =*/18).string(message.rejected[i]);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggMaskedInput message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggMaskedInput
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggMaskedInput & cohort.v1.SecAggMaskedInput.$Shape} SecAggMaskedInput
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggMaskedInput.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggMaskedInput();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.masked = value;
                            else
                                delete message.masked;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.rejected && message.rejected.length))
                                message.rejected = [];
                            message.rejected.push(reader.stringVerify());
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggMaskedInput
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggMaskedInput
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggMaskedInput.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggMaskedInput";
            };

            return SecAggMaskedInput;
        })();

        v1.SecAggSurvivors = (function() {

            /**
             * Properties of a SecAggSurvivors.
             * @typedef {Object} cohort.v1.SecAggSurvivors.$Properties
             * @property {Array.<string>|null} [survivors] SecAggSurvivors survivors
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggSurvivors.
             * @memberof cohort.v1
             * @interface ISecAggSurvivors
             * @augments cohort.v1.SecAggSurvivors.$Properties
             * @deprecated Use cohort.v1.SecAggSurvivors.$Properties instead.
             */

            /**
             * Shape of a SecAggSurvivors.
             * @typedef {cohort.v1.SecAggSurvivors.$Properties} cohort.v1.SecAggSurvivors.$Shape
             */

            /**
             * Constructs a new SecAggSurvivors.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggSurvivors.
             * @constructor
             * @param {cohort.v1.SecAggSurvivors.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggSurvivors = function (properties) {
                this.survivors = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggSurvivors survivors.
             * @member {Array.<string>} survivors
             * @memberof cohort.v1.SecAggSurvivors
             * @instance
             */
            SecAggSurvivors.prototype.survivors = $util.emptyArray;

            /**
             * Creates a new SecAggSurvivors instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggSurvivors
             * @static
             * @param {cohort.v1.SecAggSurvivors.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggSurvivors} SecAggSurvivors instance
             * @type {{
             *   (properties: cohort.v1.SecAggSurvivors.$Shape): cohort.v1.SecAggSurvivors & cohort.v1.SecAggSurvivors.$Shape;
             *   (properties?: cohort.v1.SecAggSurvivors.$Properties): cohort.v1.SecAggSurvivors;
             * }}
             */
            SecAggSurvivors.create = function(properties) {
                return new SecAggSurvivors(properties);
            };

            /**
             * Encodes the specified SecAggSurvivors message. Does not implicitly {@link cohort.v1.SecAggSurvivors.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggSurvivors
             * @static
             * @param {cohort.v1.SecAggSurvivors.$Properties} message SecAggSurvivors message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggSurvivors.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.survivors != null && message.survivors.length)
                    for (let i = 0; i < message.survivors.length; ++i)
                        writer.uint32(/* id 1, wireType 2 =*/10).string(message.survivors[i]);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggSurvivors message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggSurvivors
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggSurvivors & cohort.v1.SecAggSurvivors.$Shape} SecAggSurvivors
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggSurvivors.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggSurvivors();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.survivors && message.survivors.length))
                                message.survivors = [];
                            message.survivors.push(reader.stringVerify());
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggSurvivors
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggSurvivors
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggSurvivors.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggSurvivors";
            };

            return SecAggSurvivors;
        })();

        v1.SecAggConsistency = (function() {

            /**
             * Properties of a SecAggConsistency.
             * @typedef {Object} cohort.v1.SecAggConsistency.$Properties
             * @property {Uint8Array|null} [signature] SecAggConsistency signature
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggConsistency.
             * @memberof cohort.v1
             * @interface ISecAggConsistency
             * @augments cohort.v1.SecAggConsistency.$Properties
             * @deprecated Use cohort.v1.SecAggConsistency.$Properties instead.
             */

            /**
             * Shape of a SecAggConsistency.
             * @typedef {cohort.v1.SecAggConsistency.$Properties} cohort.v1.SecAggConsistency.$Shape
             */

            /**
             * Constructs a new SecAggConsistency.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggConsistency.
             * @constructor
             * @param {cohort.v1.SecAggConsistency.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggConsistency = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggConsistency signature.
             * @member {Uint8Array} signature
             * @memberof cohort.v1.SecAggConsistency
             * @instance
             */
            SecAggConsistency.prototype.signature = $util.newBuffer([]);

            /**
             * Creates a new SecAggConsistency instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggConsistency
             * @static
             * @param {cohort.v1.SecAggConsistency.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggConsistency} SecAggConsistency instance
             * @type {{
             *   (properties: cohort.v1.SecAggConsistency.$Shape): cohort.v1.SecAggConsistency & cohort.v1.SecAggConsistency.$Shape;
             *   (properties?: cohort.v1.SecAggConsistency.$Properties): cohort.v1.SecAggConsistency;
             * }}
             */
            SecAggConsistency.create = function(properties) {
                return new SecAggConsistency(properties);
            };

            /**
             * Encodes the specified SecAggConsistency message. Does not implicitly {@link cohort.v1.SecAggConsistency.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggConsistency
             * @static
             * @param {cohort.v1.SecAggConsistency.$Properties} message SecAggConsistency message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggConsistency.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(/* id 1, wireType 2 =*/10).bytes(message.signature);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggConsistency message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggConsistency
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggConsistency & cohort.v1.SecAggConsistency.$Shape} SecAggConsistency
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggConsistency.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggConsistency();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggConsistency
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggConsistency
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggConsistency.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggConsistency";
            };

            return SecAggConsistency;
        })();

        v1.SecAggUnmaskRequest = (function() {

            /**
             * Properties of a SecAggUnmaskRequest.
             * @typedef {Object} cohort.v1.SecAggUnmaskRequest.$Properties
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [signatures] SecAggUnmaskRequest signatures
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggUnmaskRequest.
             * @memberof cohort.v1
             * @interface ISecAggUnmaskRequest
             * @augments cohort.v1.SecAggUnmaskRequest.$Properties
             * @deprecated Use cohort.v1.SecAggUnmaskRequest.$Properties instead.
             */

            /**
             * Shape of a SecAggUnmaskRequest.
             * @typedef {cohort.v1.SecAggUnmaskRequest.$Properties} cohort.v1.SecAggUnmaskRequest.$Shape
             */

            /**
             * Constructs a new SecAggUnmaskRequest.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggUnmaskRequest.
             * @constructor
             * @param {cohort.v1.SecAggUnmaskRequest.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggUnmaskRequest = function (properties) {
                this.signatures = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggUnmaskRequest signatures.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} signatures
             * @memberof cohort.v1.SecAggUnmaskRequest
             * @instance
             */
            SecAggUnmaskRequest.prototype.signatures = $util.emptyArray;

            /**
             * Creates a new SecAggUnmaskRequest instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggUnmaskRequest
             * @static
             * @param {cohort.v1.SecAggUnmaskRequest.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggUnmaskRequest} SecAggUnmaskRequest instance
             * @type {{
             *   (properties: cohort.v1.SecAggUnmaskRequest.$Shape): cohort.v1.SecAggUnmaskRequest & cohort.v1.SecAggUnmaskRequest.$Shape;
             *   (properties?: cohort.v1.SecAggUnmaskRequest.$Properties): cohort.v1.SecAggUnmaskRequest;
             * }}
             */
            SecAggUnmaskRequest.create = function(properties) {
                return new SecAggUnmaskRequest(properties);
            };

            /**
             * Encodes the specified SecAggUnmaskRequest message. Does not implicitly {@link cohort.v1.SecAggUnmaskRequest.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggUnmaskRequest
             * @static
             * @param {cohort.v1.SecAggUnmaskRequest.$Properties} message SecAggUnmaskRequest message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggUnmaskRequest.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.signatures != null && message.signatures.length)
                    for (let i = 0; i < message.signatures.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.signatures[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggUnmaskRequest message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggUnmaskRequest
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggUnmaskRequest & cohort.v1.SecAggUnmaskRequest.$Shape} SecAggUnmaskRequest
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggUnmaskRequest.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggUnmaskRequest();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.signatures && message.signatures.length))
                                message.signatures = [];
                            message.signatures.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggUnmaskRequest
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggUnmaskRequest
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggUnmaskRequest.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggUnmaskRequest";
            };

            return SecAggUnmaskRequest;
        })();

        v1.SecAggUnmask = (function() {

            /**
             * Properties of a SecAggUnmask.
             * @typedef {Object} cohort.v1.SecAggUnmask.$Properties
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [selfMaskShares] SecAggUnmask selfMaskShares
             * @property {Array.<cohort.v1.NamedBytes.$Properties>|null} [keyShares] SecAggUnmask keyShares
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a SecAggUnmask.
             * @memberof cohort.v1
             * @interface ISecAggUnmask
             * @augments cohort.v1.SecAggUnmask.$Properties
             * @deprecated Use cohort.v1.SecAggUnmask.$Properties instead.
             */

            /**
             * Shape of a SecAggUnmask.
             * @typedef {cohort.v1.SecAggUnmask.$Properties} cohort.v1.SecAggUnmask.$Shape
             */

            /**
             * Constructs a new SecAggUnmask.
             * @memberof cohort.v1
             * @classdesc Represents a SecAggUnmask.
             * @constructor
             * @param {cohort.v1.SecAggUnmask.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const SecAggUnmask = function (properties) {
                this.selfMaskShares = [];
                this.keyShares = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * SecAggUnmask selfMaskShares.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} selfMaskShares
             * @memberof cohort.v1.SecAggUnmask
             * @instance
             */
            SecAggUnmask.prototype.selfMaskShares = $util.emptyArray;

            /**
             * SecAggUnmask keyShares.
             * @member {Array.<cohort.v1.NamedBytes.$Properties>} keyShares
             * @memberof cohort.v1.SecAggUnmask
             * @instance
             */
            SecAggUnmask.prototype.keyShares = $util.emptyArray;

            /**
             * Creates a new SecAggUnmask instance using the specified properties.
             * @function create
             * @memberof cohort.v1.SecAggUnmask
             * @static
             * @param {cohort.v1.SecAggUnmask.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.SecAggUnmask} SecAggUnmask instance
             * @type {{
             *   (properties: cohort.v1.SecAggUnmask.$Shape): cohort.v1.SecAggUnmask & cohort.v1.SecAggUnmask.$Shape;
             *   (properties?: cohort.v1.SecAggUnmask.$Properties): cohort.v1.SecAggUnmask;
             * }}
             */
            SecAggUnmask.create = function(properties) {
                return new SecAggUnmask(properties);
            };

            /**
             * Encodes the specified SecAggUnmask message. Does not implicitly {@link cohort.v1.SecAggUnmask.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.SecAggUnmask
             * @static
             * @param {cohort.v1.SecAggUnmask.$Properties} message SecAggUnmask message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            SecAggUnmask.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.selfMaskShares != null && message.selfMaskShares.length)
                    for (let i = 0; i < message.selfMaskShares.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.selfMaskShares[i], writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.keyShares != null && message.keyShares.length)
                    for (let i = 0; i < message.keyShares.length; ++i)
                        $root.cohort.v1.NamedBytes.encode(message.keyShares[i], writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a SecAggUnmask message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.SecAggUnmask
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.SecAggUnmask & cohort.v1.SecAggUnmask.$Shape} SecAggUnmask
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            SecAggUnmask.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.SecAggUnmask();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if (!(message.selfMaskShares && message.selfMaskShares.length))
                                message.selfMaskShares = [];
                            message.selfMaskShares.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if (!(message.keyShares && message.keyShares.length))
                                message.keyShares = [];
                            message.keyShares.push($root.cohort.v1.NamedBytes.decode(reader, reader.size(), $undefined, _depth + 1));
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for SecAggUnmask
             * @function getTypeUrl
             * @memberof cohort.v1.SecAggUnmask
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            SecAggUnmask.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.SecAggUnmask";
            };

            return SecAggUnmask;
        })();

        v1.Update = (function() {

            /**
             * Properties of an Update.
             * @typedef {Object} cohort.v1.Update.$Properties
             * @property {cohort.v1.Tensor.$Properties|null} [delta] Update delta
             * @property {number|null} [numExamples] Update numExamples
             * @property {number|null} [trainLoss] Update trainLoss
             * @property {number|null} [steps] Update steps
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Update.
             * @memberof cohort.v1
             * @interface IUpdate
             * @augments cohort.v1.Update.$Properties
             * @deprecated Use cohort.v1.Update.$Properties instead.
             */

            /**
             * Shape of an Update.
             * @typedef {cohort.v1.Update.$Properties} cohort.v1.Update.$Shape
             */

            /**
             * Constructs a new Update.
             * @memberof cohort.v1
             * @classdesc Represents an Update.
             * @constructor
             * @param {cohort.v1.Update.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Update = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Update delta.
             * @member {cohort.v1.Tensor.$Properties|null|undefined} delta
             * @memberof cohort.v1.Update
             * @instance
             */
            Update.prototype.delta = null;

            /**
             * Update numExamples.
             * @member {number} numExamples
             * @memberof cohort.v1.Update
             * @instance
             */
            Update.prototype.numExamples = 0;

            /**
             * Update trainLoss.
             * @member {number} trainLoss
             * @memberof cohort.v1.Update
             * @instance
             */
            Update.prototype.trainLoss = 0;

            /**
             * Update steps.
             * @member {number} steps
             * @memberof cohort.v1.Update
             * @instance
             */
            Update.prototype.steps = 0;

            /**
             * Creates a new Update instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Update
             * @static
             * @param {cohort.v1.Update.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Update} Update instance
             * @type {{
             *   (properties: cohort.v1.Update.$Shape): cohort.v1.Update & cohort.v1.Update.$Shape;
             *   (properties?: cohort.v1.Update.$Properties): cohort.v1.Update;
             * }}
             */
            Update.create = function(properties) {
                return new Update(properties);
            };

            /**
             * Encodes the specified Update message. Does not implicitly {@link cohort.v1.Update.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Update
             * @static
             * @param {cohort.v1.Update.$Properties} message Update message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Update.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.delta != null && $Object.hasOwnProperty.call(message, "delta"))
                    $root.cohort.v1.Tensor.encode(message.delta, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.numExamples != null && $Object.hasOwnProperty.call(message, "numExamples") && message.numExamples !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.numExamples);
                if (message.trainLoss != null && $Object.hasOwnProperty.call(message, "trainLoss") && !$Object.is(message.trainLoss, 0))
                    writer.uint32(/* id 3, wireType 1 =*/25).double(message.trainLoss);
                if (message.steps != null && $Object.hasOwnProperty.call(message, "steps") && message.steps !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).uint32(message.steps);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Update message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Update
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Update & cohort.v1.Update.$Shape} Update
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Update.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Update();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.delta = $root.cohort.v1.Tensor.decode(reader, reader.size(), $undefined, _depth + 1, message.delta);
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.numExamples = value;
                            else
                                delete message.numExamples;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.trainLoss = value;
                            else
                                delete message.trainLoss;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.steps = value;
                            else
                                delete message.steps;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Update
             * @function getTypeUrl
             * @memberof cohort.v1.Update
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Update.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Update";
            };

            return Update;
        })();

        v1.Evaluation = (function() {

            /**
             * Properties of an Evaluation.
             * @typedef {Object} cohort.v1.Evaluation.$Properties
             * @property {cohort.v1.Metrics.$Properties|null} [metrics] Evaluation metrics
             * @property {cohort.v1.NoisyCounts.$Properties|null} [noisy] Evaluation noisy
             * @property {boolean|null} [withheld] Evaluation withheld
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Evaluation.
             * @memberof cohort.v1
             * @interface IEvaluation
             * @augments cohort.v1.Evaluation.$Properties
             * @deprecated Use cohort.v1.Evaluation.$Properties instead.
             */

            /**
             * Shape of an Evaluation.
             * @typedef {cohort.v1.Evaluation.$Properties} cohort.v1.Evaluation.$Shape
             */

            /**
             * Constructs a new Evaluation.
             * @memberof cohort.v1
             * @classdesc Represents an Evaluation.
             * @constructor
             * @param {cohort.v1.Evaluation.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Evaluation = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Evaluation metrics.
             * @member {cohort.v1.Metrics.$Properties|null|undefined} metrics
             * @memberof cohort.v1.Evaluation
             * @instance
             */
            Evaluation.prototype.metrics = null;

            /**
             * Evaluation noisy.
             * @member {cohort.v1.NoisyCounts.$Properties|null|undefined} noisy
             * @memberof cohort.v1.Evaluation
             * @instance
             */
            Evaluation.prototype.noisy = null;

            /**
             * Evaluation withheld.
             * @member {boolean} withheld
             * @memberof cohort.v1.Evaluation
             * @instance
             */
            Evaluation.prototype.withheld = false;

            /**
             * Creates a new Evaluation instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Evaluation
             * @static
             * @param {cohort.v1.Evaluation.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Evaluation} Evaluation instance
             * @type {{
             *   (properties: cohort.v1.Evaluation.$Shape): cohort.v1.Evaluation & cohort.v1.Evaluation.$Shape;
             *   (properties?: cohort.v1.Evaluation.$Properties): cohort.v1.Evaluation;
             * }}
             */
            Evaluation.create = function(properties) {
                return new Evaluation(properties);
            };

            /**
             * Encodes the specified Evaluation message. Does not implicitly {@link cohort.v1.Evaluation.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Evaluation
             * @static
             * @param {cohort.v1.Evaluation.$Properties} message Evaluation message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Evaluation.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.metrics != null && $Object.hasOwnProperty.call(message, "metrics"))
                    $root.cohort.v1.Metrics.encode(message.metrics, writer.uint32(/* id 1, wireType 2 =*/10).fork(), _depth + 1).ldelim();
                if (message.noisy != null && $Object.hasOwnProperty.call(message, "noisy"))
                    $root.cohort.v1.NoisyCounts.encode(message.noisy, writer.uint32(/* id 2, wireType 2 =*/18).fork(), _depth + 1).ldelim();
                if (message.withheld != null && $Object.hasOwnProperty.call(message, "withheld") && message.withheld !== false)
                    writer.uint32(/* id 3, wireType 0 =*/24).bool(message.withheld);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Evaluation message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Evaluation
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Evaluation & cohort.v1.Evaluation.$Shape} Evaluation
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Evaluation.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Evaluation();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            message.metrics = $root.cohort.v1.Metrics.decode(reader, reader.size(), $undefined, _depth + 1, message.metrics);
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            message.noisy = $root.cohort.v1.NoisyCounts.decode(reader, reader.size(), $undefined, _depth + 1, message.noisy);
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.bool())
                                message.withheld = value;
                            else
                                delete message.withheld;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Evaluation
             * @function getTypeUrl
             * @memberof cohort.v1.Evaluation
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Evaluation.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Evaluation";
            };

            return Evaluation;
        })();

        v1.NoisyCounts = (function() {

            /**
             * Properties of a NoisyCounts.
             * @typedef {Object} cohort.v1.NoisyCounts.$Properties
             * @property {number|null} [truePositive] NoisyCounts truePositive
             * @property {number|null} [falsePositive] NoisyCounts falsePositive
             * @property {number|null} [trueNegative] NoisyCounts trueNegative
             * @property {number|null} [falseNegative] NoisyCounts falseNegative
             * @property {number|null} [sigma] NoisyCounts sigma
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a NoisyCounts.
             * @memberof cohort.v1
             * @interface INoisyCounts
             * @augments cohort.v1.NoisyCounts.$Properties
             * @deprecated Use cohort.v1.NoisyCounts.$Properties instead.
             */

            /**
             * Shape of a NoisyCounts.
             * @typedef {cohort.v1.NoisyCounts.$Properties} cohort.v1.NoisyCounts.$Shape
             */

            /**
             * Constructs a new NoisyCounts.
             * @memberof cohort.v1
             * @classdesc Represents a NoisyCounts.
             * @constructor
             * @param {cohort.v1.NoisyCounts.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const NoisyCounts = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * NoisyCounts truePositive.
             * @member {number} truePositive
             * @memberof cohort.v1.NoisyCounts
             * @instance
             */
            NoisyCounts.prototype.truePositive = 0;

            /**
             * NoisyCounts falsePositive.
             * @member {number} falsePositive
             * @memberof cohort.v1.NoisyCounts
             * @instance
             */
            NoisyCounts.prototype.falsePositive = 0;

            /**
             * NoisyCounts trueNegative.
             * @member {number} trueNegative
             * @memberof cohort.v1.NoisyCounts
             * @instance
             */
            NoisyCounts.prototype.trueNegative = 0;

            /**
             * NoisyCounts falseNegative.
             * @member {number} falseNegative
             * @memberof cohort.v1.NoisyCounts
             * @instance
             */
            NoisyCounts.prototype.falseNegative = 0;

            /**
             * NoisyCounts sigma.
             * @member {number} sigma
             * @memberof cohort.v1.NoisyCounts
             * @instance
             */
            NoisyCounts.prototype.sigma = 0;

            /**
             * Creates a new NoisyCounts instance using the specified properties.
             * @function create
             * @memberof cohort.v1.NoisyCounts
             * @static
             * @param {cohort.v1.NoisyCounts.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.NoisyCounts} NoisyCounts instance
             * @type {{
             *   (properties: cohort.v1.NoisyCounts.$Shape): cohort.v1.NoisyCounts & cohort.v1.NoisyCounts.$Shape;
             *   (properties?: cohort.v1.NoisyCounts.$Properties): cohort.v1.NoisyCounts;
             * }}
             */
            NoisyCounts.create = function(properties) {
                return new NoisyCounts(properties);
            };

            /**
             * Encodes the specified NoisyCounts message. Does not implicitly {@link cohort.v1.NoisyCounts.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.NoisyCounts
             * @static
             * @param {cohort.v1.NoisyCounts.$Properties} message NoisyCounts message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            NoisyCounts.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.truePositive != null && $Object.hasOwnProperty.call(message, "truePositive") && message.truePositive !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).sint32(message.truePositive);
                if (message.falsePositive != null && $Object.hasOwnProperty.call(message, "falsePositive") && message.falsePositive !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).sint32(message.falsePositive);
                if (message.trueNegative != null && $Object.hasOwnProperty.call(message, "trueNegative") && message.trueNegative !== 0)
                    writer.uint32(/* id 3, wireType 0 =*/24).sint32(message.trueNegative);
                if (message.falseNegative != null && $Object.hasOwnProperty.call(message, "falseNegative") && message.falseNegative !== 0)
                    writer.uint32(/* id 4, wireType 0 =*/32).sint32(message.falseNegative);
                if (message.sigma != null && $Object.hasOwnProperty.call(message, "sigma") && !$Object.is(message.sigma, 0))
                    writer.uint32(/* id 5, wireType 1 =*/41).double(message.sigma);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a NoisyCounts message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.NoisyCounts
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.NoisyCounts & cohort.v1.NoisyCounts.$Shape} NoisyCounts
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            NoisyCounts.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.NoisyCounts();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.sint32())
                                message.truePositive = value;
                            else
                                delete message.truePositive;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.sint32())
                                message.falsePositive = value;
                            else
                                delete message.falsePositive;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.sint32())
                                message.trueNegative = value;
                            else
                                delete message.trueNegative;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.sint32())
                                message.falseNegative = value;
                            else
                                delete message.falseNegative;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.sigma = value;
                            else
                                delete message.sigma;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for NoisyCounts
             * @function getTypeUrl
             * @memberof cohort.v1.NoisyCounts
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            NoisyCounts.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.NoisyCounts";
            };

            return NoisyCounts;
        })();

        v1.Metrics = (function() {

            /**
             * Properties of a Metrics.
             * @typedef {Object} cohort.v1.Metrics.$Properties
             * @property {number|null} [numExamples] Metrics numExamples
             * @property {number|null} [numCorrect] Metrics numCorrect
             * @property {number|null} [loss] Metrics loss
             * @property {number|null} [accuracy] Metrics accuracy
             * @property {number|null} [auc] Metrics auc
             * @property {number|null} [cIndex] Metrics cIndex
             * @property {number|null} [balancedAccuracy] Metrics balancedAccuracy
             * @property {number|null} [hammingAccuracy] Metrics hammingAccuracy
             * @property {number|null} [mse] Metrics mse
             * @property {number|null} [mae] Metrics mae
             * @property {number|null} [r2] Metrics r2
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Metrics.
             * @memberof cohort.v1
             * @interface IMetrics
             * @augments cohort.v1.Metrics.$Properties
             * @deprecated Use cohort.v1.Metrics.$Properties instead.
             */

            /**
             * Shape of a Metrics.
             * @typedef {cohort.v1.Metrics.$Properties} cohort.v1.Metrics.$Shape
             */

            /**
             * Constructs a new Metrics.
             * @memberof cohort.v1
             * @classdesc Represents a Metrics.
             * @constructor
             * @param {cohort.v1.Metrics.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Metrics = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Metrics numExamples.
             * @member {number} numExamples
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.numExamples = 0;

            /**
             * Metrics numCorrect.
             * @member {number} numCorrect
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.numCorrect = 0;

            /**
             * Metrics loss.
             * @member {number} loss
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.loss = 0;

            /**
             * Metrics accuracy.
             * @member {number} accuracy
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.accuracy = 0;

            /**
             * Metrics auc.
             * @member {number|null|undefined} auc
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.auc = null;

            /**
             * Metrics cIndex.
             * @member {number|null|undefined} cIndex
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.cIndex = null;

            /**
             * Metrics balancedAccuracy.
             * @member {number|null|undefined} balancedAccuracy
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.balancedAccuracy = null;

            /**
             * Metrics hammingAccuracy.
             * @member {number|null|undefined} hammingAccuracy
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.hammingAccuracy = null;

            /**
             * Metrics mse.
             * @member {number|null|undefined} mse
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.mse = null;

            /**
             * Metrics mae.
             * @member {number|null|undefined} mae
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.mae = null;

            /**
             * Metrics r2.
             * @member {number|null|undefined} r2
             * @memberof cohort.v1.Metrics
             * @instance
             */
            Metrics.prototype.r2 = null;

            // OneOf field names bound to virtual getters and setters
            let $oneOfFields;

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_auc", {
                get: $util.oneOfGetter($oneOfFields = ["auc"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_cIndex", {
                get: $util.oneOfGetter($oneOfFields = ["cIndex"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_balancedAccuracy", {
                get: $util.oneOfGetter($oneOfFields = ["balancedAccuracy"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_hammingAccuracy", {
                get: $util.oneOfGetter($oneOfFields = ["hammingAccuracy"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_mse", {
                get: $util.oneOfGetter($oneOfFields = ["mse"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_mae", {
                get: $util.oneOfGetter($oneOfFields = ["mae"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            // Virtual OneOf for proto3 optional field
            $Object.defineProperty(Metrics.prototype, "_r2", {
                get: $util.oneOfGetter($oneOfFields = ["r2"]),
                set: $util.oneOfSetter($oneOfFields)
            });

            /**
             * Creates a new Metrics instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Metrics
             * @static
             * @param {cohort.v1.Metrics.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Metrics} Metrics instance
             * @type {{
             *   (properties: cohort.v1.Metrics.$Shape): cohort.v1.Metrics & cohort.v1.Metrics.$Shape;
             *   (properties?: cohort.v1.Metrics.$Properties): cohort.v1.Metrics;
             * }}
             */
            Metrics.create = function(properties) {
                return new Metrics(properties);
            };

            /**
             * Encodes the specified Metrics message. Does not implicitly {@link cohort.v1.Metrics.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Metrics
             * @static
             * @param {cohort.v1.Metrics.$Properties} message Metrics message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Metrics.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.numExamples != null && $Object.hasOwnProperty.call(message, "numExamples") && message.numExamples !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.numExamples);
                if (message.numCorrect != null && $Object.hasOwnProperty.call(message, "numCorrect") && message.numCorrect !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.numCorrect);
                if (message.loss != null && $Object.hasOwnProperty.call(message, "loss") && !$Object.is(message.loss, 0))
                    writer.uint32(/* id 3, wireType 1 =*/25).double(message.loss);
                if (message.accuracy != null && $Object.hasOwnProperty.call(message, "accuracy") && !$Object.is(message.accuracy, 0))
                    writer.uint32(/* id 4, wireType 1 =*/33).double(message.accuracy);
                if (message.auc != null && $Object.hasOwnProperty.call(message, "auc"))
                    writer.uint32(/* id 5, wireType 1 =*/41).double(message.auc);
                if (message.cIndex != null && $Object.hasOwnProperty.call(message, "cIndex"))
                    writer.uint32(/* id 6, wireType 1 =*/49).double(message.cIndex);
                if (message.balancedAccuracy != null && $Object.hasOwnProperty.call(message, "balancedAccuracy"))
                    writer.uint32(/* id 7, wireType 1 =*/57).double(message.balancedAccuracy);
                if (message.hammingAccuracy != null && $Object.hasOwnProperty.call(message, "hammingAccuracy"))
                    writer.uint32(/* id 8, wireType 1 =*/65).double(message.hammingAccuracy);
                if (message.mse != null && $Object.hasOwnProperty.call(message, "mse"))
                    writer.uint32(/* id 9, wireType 1 =*/73).double(message.mse);
                if (message.mae != null && $Object.hasOwnProperty.call(message, "mae"))
                    writer.uint32(/* id 10, wireType 1 =*/81).double(message.mae);
                if (message.r2 != null && $Object.hasOwnProperty.call(message, "r2"))
                    writer.uint32(/* id 11, wireType 1 =*/89).double(message.r2);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Metrics message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Metrics
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Metrics & cohort.v1.Metrics.$Shape} Metrics
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Metrics.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Metrics();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.numExamples = value;
                            else
                                delete message.numExamples;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.numCorrect = value;
                            else
                                delete message.numCorrect;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.loss = value;
                            else
                                delete message.loss;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 1)
                                break;
                            if (!$Object.is(value = reader.double(), 0))
                                message.accuracy = value;
                            else
                                delete message.accuracy;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 1)
                                break;
                            message.auc = reader.double();
                            message._auc = "auc";
                            continue;
                        }
                    case 6: {
                            if (wireType !== 1)
                                break;
                            message.cIndex = reader.double();
                            message._cIndex = "cIndex";
                            continue;
                        }
                    case 7: {
                            if (wireType !== 1)
                                break;
                            message.balancedAccuracy = reader.double();
                            message._balancedAccuracy = "balancedAccuracy";
                            continue;
                        }
                    case 8: {
                            if (wireType !== 1)
                                break;
                            message.hammingAccuracy = reader.double();
                            message._hammingAccuracy = "hammingAccuracy";
                            continue;
                        }
                    case 9: {
                            if (wireType !== 1)
                                break;
                            message.mse = reader.double();
                            message._mse = "mse";
                            continue;
                        }
                    case 10: {
                            if (wireType !== 1)
                                break;
                            message.mae = reader.double();
                            message._mae = "mae";
                            continue;
                        }
                    case 11: {
                            if (wireType !== 1)
                                break;
                            message.r2 = reader.double();
                            message._r2 = "r2";
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Metrics
             * @function getTypeUrl
             * @memberof cohort.v1.Metrics
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Metrics.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Metrics";
            };

            return Metrics;
        })();

        v1.RoundResult = (function() {

            /**
             * Properties of a RoundResult.
             * @typedef {Object} cohort.v1.RoundResult.$Properties
             * @property {number|null} [participants] RoundResult participants
             * @property {number|null} [dropped] RoundResult dropped
             * @property {cohort.v1.Metrics.$Properties|null} [metrics] RoundResult metrics
             * @property {cohort.v1.LedgerEntry.$Properties|null} [ledgerEntry] RoundResult ledgerEntry
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a RoundResult.
             * @memberof cohort.v1
             * @interface IRoundResult
             * @augments cohort.v1.RoundResult.$Properties
             * @deprecated Use cohort.v1.RoundResult.$Properties instead.
             */

            /**
             * Shape of a RoundResult.
             * @typedef {cohort.v1.RoundResult.$Properties} cohort.v1.RoundResult.$Shape
             */

            /**
             * Constructs a new RoundResult.
             * @memberof cohort.v1
             * @classdesc Represents a RoundResult.
             * @constructor
             * @param {cohort.v1.RoundResult.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const RoundResult = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * RoundResult participants.
             * @member {number} participants
             * @memberof cohort.v1.RoundResult
             * @instance
             */
            RoundResult.prototype.participants = 0;

            /**
             * RoundResult dropped.
             * @member {number} dropped
             * @memberof cohort.v1.RoundResult
             * @instance
             */
            RoundResult.prototype.dropped = 0;

            /**
             * RoundResult metrics.
             * @member {cohort.v1.Metrics.$Properties|null|undefined} metrics
             * @memberof cohort.v1.RoundResult
             * @instance
             */
            RoundResult.prototype.metrics = null;

            /**
             * RoundResult ledgerEntry.
             * @member {cohort.v1.LedgerEntry.$Properties|null|undefined} ledgerEntry
             * @memberof cohort.v1.RoundResult
             * @instance
             */
            RoundResult.prototype.ledgerEntry = null;

            /**
             * Creates a new RoundResult instance using the specified properties.
             * @function create
             * @memberof cohort.v1.RoundResult
             * @static
             * @param {cohort.v1.RoundResult.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.RoundResult} RoundResult instance
             * @type {{
             *   (properties: cohort.v1.RoundResult.$Shape): cohort.v1.RoundResult & cohort.v1.RoundResult.$Shape;
             *   (properties?: cohort.v1.RoundResult.$Properties): cohort.v1.RoundResult;
             * }}
             */
            RoundResult.create = function(properties) {
                return new RoundResult(properties);
            };

            /**
             * Encodes the specified RoundResult message. Does not implicitly {@link cohort.v1.RoundResult.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.RoundResult
             * @static
             * @param {cohort.v1.RoundResult.$Properties} message RoundResult message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            RoundResult.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.participants != null && $Object.hasOwnProperty.call(message, "participants") && message.participants !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.participants);
                if (message.dropped != null && $Object.hasOwnProperty.call(message, "dropped") && message.dropped !== 0)
                    writer.uint32(/* id 2, wireType 0 =*/16).uint32(message.dropped);
                if (message.metrics != null && $Object.hasOwnProperty.call(message, "metrics"))
                    $root.cohort.v1.Metrics.encode(message.metrics, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.ledgerEntry != null && $Object.hasOwnProperty.call(message, "ledgerEntry"))
                    $root.cohort.v1.LedgerEntry.encode(message.ledgerEntry, writer.uint32(/* id 4, wireType 2 =*/34).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a RoundResult message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.RoundResult
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.RoundResult & cohort.v1.RoundResult.$Shape} RoundResult
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            RoundResult.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.RoundResult();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.participants = value;
                            else
                                delete message.participants;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.dropped = value;
                            else
                                delete message.dropped;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.metrics = $root.cohort.v1.Metrics.decode(reader, reader.size(), $undefined, _depth + 1, message.metrics);
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            message.ledgerEntry = $root.cohort.v1.LedgerEntry.decode(reader, reader.size(), $undefined, _depth + 1, message.ledgerEntry);
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for RoundResult
             * @function getTypeUrl
             * @memberof cohort.v1.RoundResult
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            RoundResult.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.RoundResult";
            };

            return RoundResult;
        })();

        v1.LedgerEntry = (function() {

            /**
             * Properties of a LedgerEntry.
             * @typedef {Object} cohort.v1.LedgerEntry.$Properties
             * @property {number|null} [seq] LedgerEntry seq
             * @property {string|null} [canonical] LedgerEntry canonical
             * @property {string|null} [hash] LedgerEntry hash
             * @property {string|null} [signature] LedgerEntry signature
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a LedgerEntry.
             * @memberof cohort.v1
             * @interface ILedgerEntry
             * @augments cohort.v1.LedgerEntry.$Properties
             * @deprecated Use cohort.v1.LedgerEntry.$Properties instead.
             */

            /**
             * Shape of a LedgerEntry.
             * @typedef {cohort.v1.LedgerEntry.$Properties} cohort.v1.LedgerEntry.$Shape
             */

            /**
             * Constructs a new LedgerEntry.
             * @memberof cohort.v1
             * @classdesc Represents a LedgerEntry.
             * @constructor
             * @param {cohort.v1.LedgerEntry.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const LedgerEntry = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * LedgerEntry seq.
             * @member {number} seq
             * @memberof cohort.v1.LedgerEntry
             * @instance
             */
            LedgerEntry.prototype.seq = 0;

            /**
             * LedgerEntry canonical.
             * @member {string} canonical
             * @memberof cohort.v1.LedgerEntry
             * @instance
             */
            LedgerEntry.prototype.canonical = "";

            /**
             * LedgerEntry hash.
             * @member {string} hash
             * @memberof cohort.v1.LedgerEntry
             * @instance
             */
            LedgerEntry.prototype.hash = "";

            /**
             * LedgerEntry signature.
             * @member {string} signature
             * @memberof cohort.v1.LedgerEntry
             * @instance
             */
            LedgerEntry.prototype.signature = "";

            /**
             * Creates a new LedgerEntry instance using the specified properties.
             * @function create
             * @memberof cohort.v1.LedgerEntry
             * @static
             * @param {cohort.v1.LedgerEntry.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.LedgerEntry} LedgerEntry instance
             * @type {{
             *   (properties: cohort.v1.LedgerEntry.$Shape): cohort.v1.LedgerEntry & cohort.v1.LedgerEntry.$Shape;
             *   (properties?: cohort.v1.LedgerEntry.$Properties): cohort.v1.LedgerEntry;
             * }}
             */
            LedgerEntry.create = function(properties) {
                return new LedgerEntry(properties);
            };

            /**
             * Encodes the specified LedgerEntry message. Does not implicitly {@link cohort.v1.LedgerEntry.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.LedgerEntry
             * @static
             * @param {cohort.v1.LedgerEntry.$Properties} message LedgerEntry message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LedgerEntry.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.seq != null && $Object.hasOwnProperty.call(message, "seq") && message.seq !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.seq);
                if (message.canonical != null && $Object.hasOwnProperty.call(message, "canonical") && message.canonical !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.canonical);
                if (message.hash != null && $Object.hasOwnProperty.call(message, "hash") && message.hash !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.hash);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.signature);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a LedgerEntry message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.LedgerEntry
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.LedgerEntry & cohort.v1.LedgerEntry.$Shape} LedgerEntry
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LedgerEntry.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.LedgerEntry();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.seq = value;
                            else
                                delete message.seq;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.canonical = value;
                            else
                                delete message.canonical;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.hash = value;
                            else
                                delete message.hash;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for LedgerEntry
             * @function getTypeUrl
             * @memberof cohort.v1.LedgerEntry
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            LedgerEntry.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.LedgerEntry";
            };

            return LedgerEntry;
        })();

        v1.LedgerCosignature = (function() {

            /**
             * Properties of a LedgerCosignature.
             * @typedef {Object} cohort.v1.LedgerCosignature.$Properties
             * @property {number|null} [size] LedgerCosignature size
             * @property {Uint8Array|null} [root] LedgerCosignature root
             * @property {number|Long|null} [timestamp] LedgerCosignature timestamp
             * @property {Uint8Array|null} [signature] LedgerCosignature signature
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a LedgerCosignature.
             * @memberof cohort.v1
             * @interface ILedgerCosignature
             * @augments cohort.v1.LedgerCosignature.$Properties
             * @deprecated Use cohort.v1.LedgerCosignature.$Properties instead.
             */

            /**
             * Shape of a LedgerCosignature.
             * @typedef {cohort.v1.LedgerCosignature.$Properties} cohort.v1.LedgerCosignature.$Shape
             */

            /**
             * Constructs a new LedgerCosignature.
             * @memberof cohort.v1
             * @classdesc Represents a LedgerCosignature.
             * @constructor
             * @param {cohort.v1.LedgerCosignature.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const LedgerCosignature = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * LedgerCosignature size.
             * @member {number} size
             * @memberof cohort.v1.LedgerCosignature
             * @instance
             */
            LedgerCosignature.prototype.size = 0;

            /**
             * LedgerCosignature root.
             * @member {Uint8Array} root
             * @memberof cohort.v1.LedgerCosignature
             * @instance
             */
            LedgerCosignature.prototype.root = $util.newBuffer([]);

            /**
             * LedgerCosignature timestamp.
             * @member {number|Long} timestamp
             * @memberof cohort.v1.LedgerCosignature
             * @instance
             */
            LedgerCosignature.prototype.timestamp = $util.Long ? $util.Long.fromBits(0,0,true) : 0;

            /**
             * LedgerCosignature signature.
             * @member {Uint8Array} signature
             * @memberof cohort.v1.LedgerCosignature
             * @instance
             */
            LedgerCosignature.prototype.signature = $util.newBuffer([]);

            /**
             * Creates a new LedgerCosignature instance using the specified properties.
             * @function create
             * @memberof cohort.v1.LedgerCosignature
             * @static
             * @param {cohort.v1.LedgerCosignature.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.LedgerCosignature} LedgerCosignature instance
             * @type {{
             *   (properties: cohort.v1.LedgerCosignature.$Shape): cohort.v1.LedgerCosignature & cohort.v1.LedgerCosignature.$Shape;
             *   (properties?: cohort.v1.LedgerCosignature.$Properties): cohort.v1.LedgerCosignature;
             * }}
             */
            LedgerCosignature.create = function(properties) {
                return new LedgerCosignature(properties);
            };

            /**
             * Encodes the specified LedgerCosignature message. Does not implicitly {@link cohort.v1.LedgerCosignature.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.LedgerCosignature
             * @static
             * @param {cohort.v1.LedgerCosignature.$Properties} message LedgerCosignature message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            LedgerCosignature.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.size != null && $Object.hasOwnProperty.call(message, "size") && message.size !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.size);
                if (message.root != null && $Object.hasOwnProperty.call(message, "root") && message.root.length)
                    writer.uint32(/* id 2, wireType 2 =*/18).bytes(message.root);
                if (message.timestamp != null && $Object.hasOwnProperty.call(message, "timestamp") && (typeof message.timestamp === "object" ? message.timestamp.low || message.timestamp.high : message.timestamp !== 0))
                    writer.uint32(/* id 3, wireType 0 =*/24).uint64(message.timestamp);
                if (message.signature != null && $Object.hasOwnProperty.call(message, "signature") && message.signature.length)
                    writer.uint32(/* id 4, wireType 2 =*/34).bytes(message.signature);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a LedgerCosignature message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.LedgerCosignature
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.LedgerCosignature & cohort.v1.LedgerCosignature.$Shape} LedgerCosignature
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            LedgerCosignature.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.LedgerCosignature();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.size = value;
                            else
                                delete message.size;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.root = value;
                            else
                                delete message.root;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 0)
                                break;
                            if (typeof (value = reader.uint64()) === "object" ? value.low || value.high : value !== 0)
                                message.timestamp = value;
                            else
                                delete message.timestamp;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.bytes()).length)
                                message.signature = value;
                            else
                                delete message.signature;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for LedgerCosignature
             * @function getTypeUrl
             * @memberof cohort.v1.LedgerCosignature
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            LedgerCosignature.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.LedgerCosignature";
            };

            return LedgerCosignature;
        })();

        v1.JobEvent = (function() {

            /**
             * Properties of a JobEvent.
             * @typedef {Object} cohort.v1.JobEvent.$Properties
             * @property {cohort.v1.JobEvent.Kind|null} [kind] JobEvent kind
             * @property {string|null} [reason] JobEvent reason
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a JobEvent.
             * @memberof cohort.v1
             * @interface IJobEvent
             * @augments cohort.v1.JobEvent.$Properties
             * @deprecated Use cohort.v1.JobEvent.$Properties instead.
             */

            /**
             * Shape of a JobEvent.
             * @typedef {cohort.v1.JobEvent.$Properties} cohort.v1.JobEvent.$Shape
             */

            /**
             * Constructs a new JobEvent.
             * @memberof cohort.v1
             * @classdesc Represents a JobEvent.
             * @constructor
             * @param {cohort.v1.JobEvent.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const JobEvent = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * JobEvent kind.
             * @member {cohort.v1.JobEvent.Kind} kind
             * @memberof cohort.v1.JobEvent
             * @instance
             */
            JobEvent.prototype.kind = 0;

            /**
             * JobEvent reason.
             * @member {string} reason
             * @memberof cohort.v1.JobEvent
             * @instance
             */
            JobEvent.prototype.reason = "";

            /**
             * Creates a new JobEvent instance using the specified properties.
             * @function create
             * @memberof cohort.v1.JobEvent
             * @static
             * @param {cohort.v1.JobEvent.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.JobEvent} JobEvent instance
             * @type {{
             *   (properties: cohort.v1.JobEvent.$Shape): cohort.v1.JobEvent & cohort.v1.JobEvent.$Shape;
             *   (properties?: cohort.v1.JobEvent.$Properties): cohort.v1.JobEvent;
             * }}
             */
            JobEvent.create = function(properties) {
                return new JobEvent(properties);
            };

            /**
             * Encodes the specified JobEvent message. Does not implicitly {@link cohort.v1.JobEvent.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.JobEvent
             * @static
             * @param {cohort.v1.JobEvent.$Properties} message JobEvent message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            JobEvent.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.kind != null && $Object.hasOwnProperty.call(message, "kind") && message.kind !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).int32(message.kind);
                if (message.reason != null && $Object.hasOwnProperty.call(message, "reason") && message.reason !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.reason);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a JobEvent message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.JobEvent
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.JobEvent & cohort.v1.JobEvent.$Shape} JobEvent
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            JobEvent.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.JobEvent();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.int32())
                                message.kind = value;
                            else
                                delete message.kind;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.reason = value;
                            else
                                delete message.reason;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for JobEvent
             * @function getTypeUrl
             * @memberof cohort.v1.JobEvent
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            JobEvent.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.JobEvent";
            };

            /**
             * Kind enum.
             * @name cohort.v1.JobEvent.Kind
             * @enum {number}
             * @property {number} KIND_UNSPECIFIED=0 KIND_UNSPECIFIED value
             * @property {number} STARTED=1 STARTED value
             * @property {number} COMPLETED=2 COMPLETED value
             * @property {number} FAILED=3 FAILED value
             * @property {number} CANCELLED=4 CANCELLED value
             */
            JobEvent.Kind = (function() {
                const valuesById = $Object.create(null), values = $Object.create(valuesById);
                values[valuesById[0] = "KIND_UNSPECIFIED"] = 0;
                values[valuesById[1] = "STARTED"] = 1;
                values[valuesById[2] = "COMPLETED"] = 2;
                values[valuesById[3] = "FAILED"] = 3;
                values[valuesById[4] = "CANCELLED"] = 4;
                return values;
            })();

            return JobEvent;
        })();

        v1.Error = (function() {

            /**
             * Properties of an Error.
             * @typedef {Object} cohort.v1.Error.$Properties
             * @property {string|null} [code] Error code
             * @property {string|null} [message] Error message
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of an Error.
             * @memberof cohort.v1
             * @interface IError
             * @augments cohort.v1.Error.$Properties
             * @deprecated Use cohort.v1.Error.$Properties instead.
             */

            /**
             * Shape of an Error.
             * @typedef {cohort.v1.Error.$Properties} cohort.v1.Error.$Shape
             */

            /**
             * Constructs a new Error.
             * @memberof cohort.v1
             * @classdesc Represents an Error.
             * @constructor
             * @param {cohort.v1.Error.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Error = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Error code.
             * @member {string} code
             * @memberof cohort.v1.Error
             * @instance
             */
            Error.prototype.code = "";

            /**
             * Error message.
             * @member {string} message
             * @memberof cohort.v1.Error
             * @instance
             */
            Error.prototype.message = "";

            /**
             * Creates a new Error instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Error
             * @static
             * @param {cohort.v1.Error.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Error} Error instance
             * @type {{
             *   (properties: cohort.v1.Error.$Shape): cohort.v1.Error & cohort.v1.Error.$Shape;
             *   (properties?: cohort.v1.Error.$Properties): cohort.v1.Error;
             * }}
             */
            Error.create = function(properties) {
                return new Error(properties);
            };

            /**
             * Encodes the specified Error message. Does not implicitly {@link cohort.v1.Error.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Error
             * @static
             * @param {cohort.v1.Error.$Properties} message Error message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Error.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.code != null && $Object.hasOwnProperty.call(message, "code") && message.code !== "")
                    writer.uint32(/* id 1, wireType 2 =*/10).string(message.code);
                if (message.message != null && $Object.hasOwnProperty.call(message, "message") && message.message !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.message);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes an Error message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Error
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Error & cohort.v1.Error.$Shape} Error
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Error.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Error();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.code = value;
                            else
                                delete message.code;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.message = value;
                            else
                                delete message.message;
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Error
             * @function getTypeUrl
             * @memberof cohort.v1.Error
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Error.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Error";
            };

            return Error;
        })();

        v1.Request = (function() {

            /**
             * Properties of a Request.
             * @typedef {Object} cohort.v1.Request.$Properties
             * @property {number|null} [id] Request id
             * @property {string|null} [action] Request action
             * @property {string|null} [jobId] Request jobId
             * @property {string|null} [specJson] Request specJson
             * @property {number|null} [afterSeq] Request afterSeq
             * @property {number|null} [fromSize] Request fromSize
             * @property {Array.<number>|null} [seqs] Request seqs
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Request.
             * @memberof cohort.v1
             * @interface IRequest
             * @augments cohort.v1.Request.$Properties
             * @deprecated Use cohort.v1.Request.$Properties instead.
             */

            /**
             * Shape of a Request.
             * @typedef {cohort.v1.Request.$Properties} cohort.v1.Request.$Shape
             */

            /**
             * Constructs a new Request.
             * @memberof cohort.v1
             * @classdesc Represents a Request.
             * @constructor
             * @param {cohort.v1.Request.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Request = function (properties) {
                this.seqs = [];
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Request id.
             * @member {number} id
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.id = 0;

            /**
             * Request action.
             * @member {string} action
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.action = "";

            /**
             * Request jobId.
             * @member {string} jobId
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.jobId = "";

            /**
             * Request specJson.
             * @member {string} specJson
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.specJson = "";

            /**
             * Request afterSeq.
             * @member {number} afterSeq
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.afterSeq = 0;

            /**
             * Request fromSize.
             * @member {number} fromSize
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.fromSize = 0;

            /**
             * Request seqs.
             * @member {Array.<number>} seqs
             * @memberof cohort.v1.Request
             * @instance
             */
            Request.prototype.seqs = $util.emptyArray;

            /**
             * Creates a new Request instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Request
             * @static
             * @param {cohort.v1.Request.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Request} Request instance
             * @type {{
             *   (properties: cohort.v1.Request.$Shape): cohort.v1.Request & cohort.v1.Request.$Shape;
             *   (properties?: cohort.v1.Request.$Properties): cohort.v1.Request;
             * }}
             */
            Request.create = function(properties) {
                return new Request(properties);
            };

            /**
             * Encodes the specified Request message. Does not implicitly {@link cohort.v1.Request.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Request
             * @static
             * @param {cohort.v1.Request.$Properties} message Request message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Request.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.id);
                if (message.action != null && $Object.hasOwnProperty.call(message, "action") && message.action !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.action);
                if (message.jobId != null && $Object.hasOwnProperty.call(message, "jobId") && message.jobId !== "")
                    writer.uint32(/* id 3, wireType 2 =*/26).string(message.jobId);
                if (message.specJson != null && $Object.hasOwnProperty.call(message, "specJson") && message.specJson !== "")
                    writer.uint32(/* id 4, wireType 2 =*/34).string(message.specJson);
                if (message.afterSeq != null && $Object.hasOwnProperty.call(message, "afterSeq") && message.afterSeq !== 0)
                    writer.uint32(/* id 5, wireType 0 =*/40).uint32(message.afterSeq);
                if (message.fromSize != null && $Object.hasOwnProperty.call(message, "fromSize") && message.fromSize !== 0)
                    writer.uint32(/* id 6, wireType 0 =*/48).uint32(message.fromSize);
                if (message.seqs != null && message.seqs.length)
                    writer.uint32(/* id 7, wireType 2 =*/58).uint32s(message.seqs);
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Request message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Request
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Request & cohort.v1.Request.$Shape} Request
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Request.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Request();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.action = value;
                            else
                                delete message.action;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.jobId = value;
                            else
                                delete message.jobId;
                            continue;
                        }
                    case 4: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.specJson = value;
                            else
                                delete message.specJson;
                            continue;
                        }
                    case 5: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.afterSeq = value;
                            else
                                delete message.afterSeq;
                            continue;
                        }
                    case 6: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.fromSize = value;
                            else
                                delete message.fromSize;
                            continue;
                        }
                    case 7: {
                            if (wireType === 2) {
                                if (!(message.seqs && message.seqs.length))
                                    message.seqs = [];
                                reader.uint32s(message.seqs);
                                continue;
                            }
                            if (wireType !== 0)
                                break;
                            if (!(message.seqs && message.seqs.length))
                                message.seqs = [];
                            message.seqs.push(reader.uint32());
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Request
             * @function getTypeUrl
             * @memberof cohort.v1.Request
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Request.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Request";
            };

            return Request;
        })();

        v1.Reply = (function() {

            /**
             * Properties of a Reply.
             * @typedef {Object} cohort.v1.Reply.$Properties
             * @property {number|null} [id] Reply id
             * @property {string|null} [json] Reply json
             * @property {cohort.v1.Tensor.$Properties|null} [model] Reply model
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */

            /**
             * Properties of a Reply.
             * @memberof cohort.v1
             * @interface IReply
             * @augments cohort.v1.Reply.$Properties
             * @deprecated Use cohort.v1.Reply.$Properties instead.
             */

            /**
             * Shape of a Reply.
             * @typedef {cohort.v1.Reply.$Properties} cohort.v1.Reply.$Shape
             */

            /**
             * Constructs a new Reply.
             * @memberof cohort.v1
             * @classdesc Represents a Reply.
             * @constructor
             * @param {cohort.v1.Reply.$Properties=} [properties] Properties to set
             * @property {Array.<Uint8Array>} [$unknowns] Unknown fields preserved while decoding when enabled
             */
            const Reply = function (properties) {
                if (properties)
                    for (let keys = $Object.keys(properties), i = 0; i < keys.length; ++i)
                        if (properties[keys[i]] != null && keys[i] !== "__proto__")
                            this[keys[i]] = properties[keys[i]];
            };

            /**
             * Reply id.
             * @member {number} id
             * @memberof cohort.v1.Reply
             * @instance
             */
            Reply.prototype.id = 0;

            /**
             * Reply json.
             * @member {string} json
             * @memberof cohort.v1.Reply
             * @instance
             */
            Reply.prototype.json = "";

            /**
             * Reply model.
             * @member {cohort.v1.Tensor.$Properties|null|undefined} model
             * @memberof cohort.v1.Reply
             * @instance
             */
            Reply.prototype.model = null;

            /**
             * Creates a new Reply instance using the specified properties.
             * @function create
             * @memberof cohort.v1.Reply
             * @static
             * @param {cohort.v1.Reply.$Properties=} [properties] Properties to set
             * @returns {cohort.v1.Reply} Reply instance
             * @type {{
             *   (properties: cohort.v1.Reply.$Shape): cohort.v1.Reply & cohort.v1.Reply.$Shape;
             *   (properties?: cohort.v1.Reply.$Properties): cohort.v1.Reply;
             * }}
             */
            Reply.create = function(properties) {
                return new Reply(properties);
            };

            /**
             * Encodes the specified Reply message. Does not implicitly {@link cohort.v1.Reply.verify|verify} messages.
             * @function encode
             * @memberof cohort.v1.Reply
             * @static
             * @param {cohort.v1.Reply.$Properties} message Reply message or plain object to encode
             * @param {$protobuf.Writer} [writer] Writer to encode to
             * @returns {$protobuf.Writer} Writer
             */
            Reply.encode = function (message, writer, _depth) {
                if (!writer)
                    writer = $Writer.create();
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $util.recursionLimit)
                    throw $Error("max depth exceeded");
                if (message.id != null && $Object.hasOwnProperty.call(message, "id") && message.id !== 0)
                    writer.uint32(/* id 1, wireType 0 =*/8).uint32(message.id);
                if (message.json != null && $Object.hasOwnProperty.call(message, "json") && message.json !== "")
                    writer.uint32(/* id 2, wireType 2 =*/18).string(message.json);
                if (message.model != null && $Object.hasOwnProperty.call(message, "model"))
                    $root.cohort.v1.Tensor.encode(message.model, writer.uint32(/* id 3, wireType 2 =*/26).fork(), _depth + 1).ldelim();
                if (message.$unknowns != null && $Object.hasOwnProperty.call(message, "$unknowns"))
                    for (let i = 0; i < message.$unknowns.length; ++i)
                        writer.raw(message.$unknowns[i]);
                return writer;
            };

            /**
             * Decodes a Reply message from the specified reader or buffer.
             * @function decode
             * @memberof cohort.v1.Reply
             * @static
             * @param {$protobuf.Reader|Uint8Array} reader Reader or buffer to decode from
             * @param {number} [length] Message length if known beforehand
             * @returns {cohort.v1.Reply & cohort.v1.Reply.$Shape} Reply
             * @throws {Error} If the payload is not a reader or valid buffer
             * @throws {$protobuf.util.ProtocolError} If required fields are missing
             */
            Reply.decode = function (reader, length, _end, _depth, _target) {
                if (!(reader instanceof $Reader))
                    reader = $Reader.create(reader);
                if (_depth === $undefined)
                    _depth = 0;
                if (_depth > $Reader.recursionLimit)
                    throw $Error("max depth exceeded");
                let end, message, value;
                if (length === $undefined)
                    end = reader.len;
                else {
                    end = reader.pos + length;
                    if (end > reader.len)
                        throw $RangeError("index out of range");
                    length = reader.len;
                    reader.len = end;
                }
                message = _target || new $root.cohort.v1.Reply();
                while (reader.pos < end) {
                    let start = reader.pos;
                    let tag = reader.tag();
                    if (tag === _end) {
                        _end = $undefined;
                        break;
                    }
                    let wireType = tag & 7;
                    switch (tag >>>= 3) {
                    case 1: {
                            if (wireType !== 0)
                                break;
                            if (value = reader.uint32())
                                message.id = value;
                            else
                                delete message.id;
                            continue;
                        }
                    case 2: {
                            if (wireType !== 2)
                                break;
                            if ((value = reader.stringVerify()).length)
                                message.json = value;
                            else
                                delete message.json;
                            continue;
                        }
                    case 3: {
                            if (wireType !== 2)
                                break;
                            message.model = $root.cohort.v1.Tensor.decode(reader, reader.size(), $undefined, _depth + 1, message.model);
                            continue;
                        }
                    }
                    reader.skipType(wireType, _depth, tag);
                    if (!reader.discardUnknown) {
                        $util.makeProp(message, "$unknowns", false);
                        (message.$unknowns || (message.$unknowns = [])).push(reader.raw(start, reader.pos));
                    }
                }
                if (length !== $undefined) {
                    if (reader.pos !== end)
                        throw $RangeError("index out of range");
                    reader.len = length;
                }
                if (_end !== $undefined)
                    throw $Error("missing end group");
                return message;
            };

            /**
             * Gets the type url for Reply
             * @function getTypeUrl
             * @memberof cohort.v1.Reply
             * @static
             * @param {string} [prefix] Custom type url prefix, defaults to `"type.googleapis.com"`
             * @returns {string} The type url
             */
            Reply.getTypeUrl = function(prefix) {
                if (prefix === $undefined)
                    prefix = "type.googleapis.com";
                return prefix + "/cohort.v1.Reply";
            };

            return Reply;
        })();

        return v1;
    })();

    return cohort;
})();

export {
  $root as default
};
