import { announcementAlert } from '../../functions/alerting/announcement-alert';
import { decideChannels } from '../../functions/alerting/cooldown';
import { messageAttributes } from '../../functions/alerting/notifier';
import { seriesAlert } from '../../functions/alerting/series-alert';
import type { Alert } from '../../functions/core/model';
import { entryRestriction, governmentRelease, septemberSurge } from './sept-2022';

/** Where the rendered examples live, relative to the repository root. */
export const EXAMPLES_DIR = 'docs/alerts';

function files(name: string, alert: Alert): Record<string, string> {
  // As the first alert of its kind in a while: flood control lets it reach every class.
  const routed = { ...alert, channels: decideChannels(alert, [], new Date(alert.createdAt)) };
  const attributes = Object.fromEntries(Object.entries(messageAttributes(routed)).map(([key, value]) => [key, value.DataType === 'String.Array' ? JSON.parse(value.StringValue ?? '[]') : value.StringValue]));
  return {
    [`${name}.email.txt`]: `Subject: ${routed.message.subject}\n\n${routed.message.email}\n`,
    [`${name}.sms.txt`]: `${routed.message.sms}\n`,
    [`${name}.json`]: `${JSON.stringify(routed.message.json, null, 2)}\n`,
    [`${name}.attributes.json`]: `${JSON.stringify(attributes, null, 2)}\n`,
  };
}

/** Every example file, rendered by the real builders from the September 2022 inputs. */
export function renderExamples(): Record<string, string> {
  const restriction = announcementAlert(entryRestriction);
  const government = announcementAlert(governmentRelease);
  if (!restriction || !government) throw new Error('the September 2022 announcements no longer match a default topic');
  return {
    ...files('sept-2022-surge', seriesAlert(septemberSurge)),
    ...files('sept-2022-government-release', government),
    ...files('sept-2022-entry-restriction', restriction),
  };
}
