/**
 * Entry point of the function app: importing a file registers its functions with the Functions host.
 * One file per bounded context; files stay thin (validate, call a service, map the result).
 */
import './telemetry';
import './health';
import './usage';
import './me';
import './me-export';
import './audit';
import './openapi';
import './client-config';
import './suggestions';
import './approvals';
import './approval-orchestration';
import './events';
import './dashboard';
import './connectors';
import './catalog';
import './agents';
import './workflows';
import './packs';
import './runs';
import './orchestration-run';
import './scheduler';
import './tokens';
import './events-triggers';
import './hooks-graph';
import './hooks-gmail';
import './hooks-renewal';
import './webhooks';
import './webhooks-delivery';
