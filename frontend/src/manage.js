/**
 * A facilitator's management of the room, on either room page: the invite panel and the
 * settings dialog, where the page has them. Its own bundle, which the panel's include loads.
 */

import { install, pageMessages } from './i18n.js'
import { InvitePanel } from './invites.js'
import { RoomSettings } from './room-settings.js'

install(pageMessages(document))
const panel = document.querySelector('[data-testid="invite-panel"]')
if (panel instanceof HTMLElement) new InvitePanel(panel)
const dialog = document.querySelector('[data-testid="room-settings-dialog"]')
if (dialog instanceof HTMLDialogElement) new RoomSettings(dialog, document)
