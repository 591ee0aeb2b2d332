/**
 * The demo behind `rlm demo`: a generated document with planted facts (`incident-log.ts`) and a
 * SCRIPTED model (`scripted-model.ts`) that plays root and sub-model in-process, so a new user can
 * watch the whole machinery run with no model server. Nothing here measures a real model.
 */
export {
  DEMO_QUESTION,
  generateIncidentLog,
  type IncidentLog,
  type IncidentLogOptions,
  MAX_DEMO_SIZE,
  MIN_DEMO_SIZE,
  type PlantedIncident,
} from "./incident-log.js";
export { SCRIPTED_DEMO_SPEC, ScriptedDemoModel, type ScriptedDemoOptions } from "./scripted-model.js";
export { NONE, readerReply } from "./scripted-reader.js";
export { type RootView, readRootView, rootReply } from "./scripted-root.js";
