<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>IncidentColumns</name>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Affected services</source>
        <translation>Betroffene Dienste</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>Dashboard</source>
        <translation>Dashboard</translation>
    </message>
    <message>
        <source>View</source>
        <translation>Ansicht</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Dashboard</source>
        <translation>&amp;Dashboard</translation>
    </message>
    <message>
        <source>&amp;Wall mode</source>
        <translation>&amp;Wandmodus</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tage</translation>
    </message>
    <message>
        <source>Unset</source>
        <translation>Nicht gesetzt</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>acknowledged </source>
        <translation>bestätigt, </translation>
    </message>
    <message>
        <source>resolved </source>
        <translation>gelöst, </translation>
    </message>
    <message>
        <source>response SLA missed, </source>
        <translation>Reaktions-SLA verfehlt, </translation>
    </message>
    <message>
        <source>resolution SLA missed, </source>
        <translation>Lösungs-SLA verfehlt, </translation>
    </message>
    <message>
        <source>no severity</source>
        <translation>ohne Schweregrad</translation>
    </message>
    <message>
        <source>From the dashboard: %1 incidents, %2created %3 – %4</source>
        <translation>Aus dem Dashboard: Störungen (%1), %2angelegt %3 – %4</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message>
        <source>Cannot build the remediation screenshot: %1</source>
        <translation>Bildschirmfoto der Behebung kann nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Back-end and AWS settings…</source>
        <translation>Backend- und AWS-Einstellungen…</translation>
    </message>
    <message>
        <source>No incidents in this database.</source>
        <translation>Keine Störungen in dieser Datenbank.</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Settings</source>
        <translation>&amp;Einstellungen</translation>
    </message>
</context>
<context>
    <name>SavedViews</name>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>My incidents</source>
        <translation>Meine Störungen</translation>
    </message>
    <message>
        <source>P1 open</source>
        <translation>P1 offen</translation>
    </message>
    <message>
        <source>Breaching SLA</source>
        <translation>SLA wird verletzt</translation>
    </message>
    <message>
        <source>Resolved this week</source>
        <translation>Diese Woche gelöst</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>SEV1 critical</source>
        <translation>SEV1 kritisch</translation>
    </message>
    <message>
        <source>SEV2 high</source>
        <translation>SEV2 hoch</translation>
    </message>
    <message>
        <source>SEV3 medium</source>
        <translation>SEV3 mittel</translation>
    </message>
    <message>
        <source>SEV4 low</source>
        <translation>SEV4 niedrig</translation>
    </message>
</context>
<context>
    <name>WorkflowState</name>
    <message>
        <source>Triggered</source>
        <translation>Ausgelöst</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Investigating</source>
        <translation>In Untersuchung</translation>
    </message>
    <message>
        <source>Mitigating</source>
        <translation>In Eindämmung</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Gelöst</translation>
    </message>
    <message>
        <source>Postmortem</source>
        <translation>Nachbetrachtung</translation>
    </message>
    <message>
        <source>triggered</source>
        <translation>ausgelöst</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>investigating</source>
        <translation>in Untersuchung</translation>
    </message>
    <message>
        <source>mitigating</source>
        <translation>in Eindämmung</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>gelöst</translation>
    </message>
    <message>
        <source>postmortem</source>
        <translation>Nachbetrachtung</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>In Progress</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Pending Customer</source>
        <translation>Wartet auf Kunden</translation>
    </message>
    <message>
        <source>Pending Vendor</source>
        <translation>Wartet auf Lieferanten</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Storniert</translation>
    </message>
    <message>
        <source>DETECTED</source>
        <translation>ERKANNT</translation>
    </message>
    <message>
        <source>TRIAGE</source>
        <translation>TRIAGE</translation>
    </message>
    <message>
        <source>MITIGATING</source>
        <translation>EINDÄMMUNG</translation>
    </message>
    <message>
        <source>RESOLVED</source>
        <translation>GELÖST</translation>
    </message>
    <message>
        <source>POST_MORTEM</source>
        <translation>NACHBETRACHTUNG</translation>
    </message>
</context>
<context>
    <name>sitrep::itemmodels</name>
    <message>
        <source>No incident commander for %1: assign one now</source>
        <translation>Kein Einsatzleiter für %1: jetzt einen bestimmen</translation>
    </message>
    <message>
        <source>Postmortem was due %1 ago (48 hours after resolution)</source>
        <translation>Nachbetrachtung war vor %1 fällig (48 Stunden nach der Lösung)</translation>
    </message>
    <message>
        <source>Opened: %1 (%2, %3)</source>
        <translation>Eröffnet: %1 (%2, %3)</translation>
    </message>
    <message>
        <source>Approved by %1 for %2</source>
        <translation>Genehmigt von %1 für %2</translation>
    </message>
    <message>
        <source>Evidence (%1): %2</source>
        <translation>Beleg (%1): %2</translation>
    </message>
    <message>
        <source>Incident commander: %1</source>
        <translation>Einsatzleiter: %1</translation>
    </message>
    <message>
        <source>Responder joined: %1</source>
        <translation>Beteiligte(r) hinzugekommen: %1</translation>
    </message>
    <message>
        <source>Reminder: %1</source>
        <translation>Erinnerung: %1</translation>
    </message>
    <message>
        <source>No status update for %1: post one (every %2 minutes)</source>
        <translation>Keine Statusmeldung seit %1: jetzt eine senden (alle %2 Minuten)</translation>
    </message>
    <message>
        <source>title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>impact</source>
        <translation>Auswirkung</translation>
    </message>
    <message>
        <source>urgency</source>
        <translation>Dringlichkeit</translation>
    </message>
    <message>
        <source>category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>subcategory</source>
        <translation>Unterkategorie</translation>
    </message>
    <message>
        <source>affected services</source>
        <translation>betroffenen Dienste</translation>
    </message>
    <message>
        <source>configuration items</source>
        <translation>Konfigurationselemente</translation>
    </message>
    <message>
        <source>assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>assignment group</source>
        <translation>zuständige Gruppe</translation>
    </message>
    <message>
        <source>reporter</source>
        <translation>Meldende(n)</translation>
    </message>
    <message>
        <source>incident commander</source>
        <translation>Einsatzleiter</translation>
    </message>
    <message>
        <source>responders</source>
        <translation>Beteiligten</translation>
    </message>
    <message>
        <source>root cause</source>
        <translation>Grundursache</translation>
    </message>
    <message>
        <source>resolution note</source>
        <translation>Lösungsnotiz</translation>
    </message>
    <message>
        <source>close code</source>
        <translation>Abschlusscode</translation>
    </message>
    <message>
        <source>time spent (minutes)</source>
        <translation>aufgewendete Zeit (Minuten)</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Eröffnet</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Assignment</source>
        <translation>Zuweisung</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>Alarm</translation>
    </message>
    <message>
        <source>Approval</source>
        <translation>Genehmigung</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <source>Status update</source>
        <translation>Statusmeldung</translation>
    </message>
    <message>
        <source>Commander</source>
        <translation>Einsatzleitung</translation>
    </message>
    <message>
        <source>Responder</source>
        <translation>Beteiligte</translation>
    </message>
    <message>
        <source>Action item</source>
        <translation>Maßnahme</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>Notification</source>
        <translation>Benachrichtigung</translation>
    </message>
    <message>
        <source>Postmortem</source>
        <translation>Nachbetrachtung</translation>
    </message>
    <message>
        <source>Remediation</source>
        <translation>Behebung</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>Erinnerung</translation>
    </message>
    <message>
        <source>Escalation</source>
        <translation>Eskalation</translation>
    </message>
    <message>
        <source>Sync conflict</source>
        <translation>Sync-Konflikt</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Nummer</translation>
    </message>
    <message>
        <source>Runbook</source>
        <translation>Runbook</translation>
    </message>
    <message>
        <source>Service health</source>
        <translation>Dienstzustand</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Known error</source>
        <translation>Bekannter Fehler</translation>
    </message>
    <message>
        <source>Triage</source>
        <translation>Triage</translation>
    </message>
    <message>
        <source>no severity</source>
        <translation>ohne Schweregrad</translation>
    </message>
    <message>
        <source>Moved from %1 to %2 (counts as the response)</source>
        <translation>Von %1 nach %2 verschoben (gilt als Reaktion)</translation>
    </message>
    <message>
        <source>Moved from %1 to %2</source>
        <translation>Von %1 nach %2 verschoben</translation>
    </message>
    <message>
        <source>Cleared the %1</source>
        <translation>%1 geleert</translation>
    </message>
    <message>
        <source>Set the %1 to %2</source>
        <translation>%1 auf %2 gesetzt</translation>
    </message>
    <message>
        <source>Assigned to the group %1</source>
        <translation>Der Gruppe %1 zugewiesen</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>%1 zugewiesen</translation>
    </message>
    <message>
        <source>Assigned to %1 (%2, on call)</source>
        <translation>%1 zugewiesen (%2, Rufbereitschaft)</translation>
    </message>
    <message>
        <source>Assigned to %1 (%2)</source>
        <translation>%1 zugewiesen (%2)</translation>
    </message>
    <message>
        <source>Alert %1 linked</source>
        <translation>Alarm %1 verknüpft</translation>
    </message>
    <message>
        <source>Alert %1 linked: %2</source>
        <translation>Alarm %1 verknüpft: %2</translation>
    </message>
    <message>
        <source>Alert %1 is %2</source>
        <translation>Alarm %1 ist %2</translation>
    </message>
    <message>
        <source>Alert %1 resolved at %2</source>
        <translation>Alarm %1 um %2 behoben</translation>
    </message>
    <message>
        <source>Alert %1 resolved at %2: %3</source>
        <translation>Alarm %1 um %2 behoben: %3</translation>
    </message>
    <message>
        <source>Approved by %1 for any gated step</source>
        <translation>Von %1 für jeden genehmigungspflichtigen Schritt genehmigt</translation>
    </message>
    <message>
        <source>Status update (external): %1</source>
        <translation>Statusmeldung (extern): %1</translation>
    </message>
    <message>
        <source>Status update (internal): %1</source>
        <translation>Statusmeldung (intern): %1</translation>
    </message>
    <message>
        <source>Action item added: %1 (owner %2)</source>
        <translation>Maßnahme hinzugefügt: %1 (verantwortlich: %2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>niemand</translation>
    </message>
    <message>
        <source>Action item added: %1 (owner %2, due %3)</source>
        <translation>Maßnahme hinzugefügt: %1 (verantwortlich: %2, fällig %3)</translation>
    </message>
    <message>
        <source>Action item done: %1</source>
        <translation>Maßnahme erledigt: %1</translation>
    </message>
    <message>
        <source>(an item)</source>
        <translation>(eine Maßnahme)</translation>
    </message>
    <message>
        <source>Action item reopened: %1</source>
        <translation>Maßnahme wieder geöffnet: %1</translation>
    </message>
    <message>
        <source>Action item changed: %1</source>
        <translation>Maßnahme geändert: %1</translation>
    </message>
    <message>
        <source>Response SLA breached: no response by %1</source>
        <translation>Reaktions-SLA verletzt: keine Reaktion bis %1</translation>
    </message>
    <message>
        <source>Resolution SLA breached: not resolved by %1</source>
        <translation>Lösungs-SLA verletzt: bis %1 nicht gelöst</translation>
    </message>
    <message>
        <source>SLA breached (due %1)</source>
        <translation>SLA verletzt (fällig %1)</translation>
    </message>
    <message>
        <source>Escalated to %1 (runbook %2, after %3, until %4)</source>
        <translation>An %1 eskaliert (Runbook %2, nach %3, bis %4)</translation>
    </message>
    <message>
        <source>Postmortem draft written; review due %1</source>
        <translation>Entwurf der Nachbetrachtung geschrieben; Review fällig %1</translation>
    </message>
    <message>
        <source>Postmortem opened; owners %1; review meeting %2</source>
        <translation>Nachbetrachtung eröffnet; verantwortlich %1; Review-Termin %2</translation>
    </message>
    <message>
        <source>Postmortem moved from %1 to %2 (version %3)</source>
        <translation>Nachbetrachtung von %1 nach %2 (Version %3)</translation>
    </message>
    <message>
        <source>Postmortem published (version %1)</source>
        <translation>Nachbetrachtung veröffentlicht (Version %1)</translation>
    </message>
    <message>
        <source>Postmortem restored from version %1 as version %2</source>
        <translation>Nachbetrachtung aus Version %1 als Version %2 wiederhergestellt</translation>
    </message>
    <message>
        <source>Notification requested (%1); no channel configured</source>
        <translation>Benachrichtigung angefordert (%1); kein Kanal eingerichtet</translation>
    </message>
    <message>
        <source>Notification requested (%1) to %2</source>
        <translation>Benachrichtigung angefordert (%1) an %2</translation>
    </message>
    <message>
        <source>Notification delivered to %1 by %2 (attempt %3)</source>
        <translation>Benachrichtigung an %1 über %2 zugestellt (Versuch %3)</translation>
    </message>
    <message>
        <source>Notification to %1 failed (attempt %2): %3</source>
        <translation>Benachrichtigung an %1 fehlgeschlagen (Versuch %2): %3</translation>
    </message>
    <message>
        <source>Remediation requested on entering %1; needs an approval</source>
        <translation>Behebung beim Wechsel nach %1 angefordert; braucht eine Genehmigung</translation>
    </message>
    <message>
        <source>Remediation requested on entering %1</source>
        <translation>Behebung beim Wechsel nach %1 angefordert</translation>
    </message>
    <message>
        <source>Runbook %1: step %2 done (%3)</source>
        <translation>Runbook %1: Schritt %2 erledigt (%3)</translation>
    </message>
    <message>
        <source>Runbook %1: step %2 unchecked (%3)</source>
        <translation>Runbook %1: Schritt %2 wieder offen (%3)</translation>
    </message>
    <message>
        <source>Runbook attached: %1</source>
        <translation>Runbook zugeordnet: %1</translation>
    </message>
    <message>
        <source>Service %1 marked %2</source>
        <translation>Dienst %1 als %2 markiert</translation>
    </message>
    <message>
        <source>Service %1 marked healthy</source>
        <translation>Dienst %1 als gesund markiert</translation>
    </message>
    <message>
        <source>Linked to problem %1: %2</source>
        <translation>Mit Problem %1 verknüpft: %2</translation>
    </message>
    <message>
        <source>Unlinked from problem %1: %2</source>
        <translation>Verknüpfung mit Problem %1 gelöst: %2</translation>
    </message>
    <message>
        <source>Linked to known error %1: %2</source>
        <translation>Mit bekanntem Fehler %1 verknüpft: %2</translation>
    </message>
    <message>
        <source>Triage suggests category %1, priority %2, group %3 (confidence %4%)</source>
        <translation>Triage schlägt Kategorie %1, Priorität %2, Gruppe %3 vor (Konfidenz %4 %)</translation>
    </message>
    <message>
        <source>Triage suggestion accepted: %1 = %2</source>
        <translation>Triage-Vorschlag übernommen: %1 = %2</translation>
    </message>
    <message>
        <source>Triage suggestion rejected: %1 = %2</source>
        <translation>Triage-Vorschlag abgelehnt: %1 = %2</translation>
    </message>
    <message>
        <source>Triage suggestion rejected: %1 = %2, corrected to %3</source>
        <translation>Triage-Vorschlag abgelehnt: %1 = %2, korrigiert auf %3</translation>
    </message>
    <message>
        <source>Sync conflict: %1 moved it from %2 to %3, but it was already %4; not applied</source>
        <translation>Sync-Konflikt: %1 hat sie von %2 nach %3 verschoben, sie war aber schon %4; nicht übernommen</translation>
    </message>
    <message>
        <source>Numbered %1 by the back end</source>
        <translation>Vom Backend als %1 nummeriert</translation>
    </message>
    <message>
        <source>Provisional number %1 until the back end numbers it</source>
        <translation>Vorläufige Nummer %1, bis das Backend nummeriert</translation>
    </message>
</context>
<context>
    <name>sitrep::itemmodels::EvidenceModel</name>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Beleg</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
</context>
<context>
    <name>sitrep::itemmodels::IncidentTableModel</name>
    <message>
        <source>overdue %1</source>
        <translation>überfällig %1</translation>
    </message>
    <message>
        <source>paused, %1</source>
        <translation>pausiert, %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>This column does not sort</source>
        <translation>Nach dieser Spalte kann nicht sortiert werden</translation>
    </message>
</context>
<context>
    <name>sitrep::itemmodels::StatusUpdateModel</name>
    <message>
        <source>External</source>
        <translation>Extern</translation>
    </message>
    <message>
        <source>Internal</source>
        <translation>Intern</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Zielgruppe</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
</context>
<context>
    <name>sitrep::itemmodels::TimelineModel</name>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
</context>
<context>
    <name>sitrep::problems::ProblemListModel</name>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Known error</source>
        <translation>Bekannter Fehler</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Gelöst</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Störungen</translation>
    </message>
    <message>
        <source>Known errors</source>
        <translation>Bekannte Fehler</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Verantwortlich</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
</context>
<context>
    <name>sitrep::remediation</name>
    <message>
        <source>Remediation queued: %1 to %2 (rule %3, approved by %4)</source>
        <translation>Behebung eingereiht: %1 an %2 (Regel %3, genehmigt von %4)</translation>
    </message>
    <message>
        <source>Remediation skipped by %1: %2</source>
        <translation>Behebung übersprungen durch %1: %2</translation>
    </message>
    <message>
        <source>Remediation waiting for approval: %1</source>
        <translation>Behebung wartet auf Genehmigung: %1</translation>
    </message>
    <message>
        <source>Remediation sent to %1 (attempt %2)</source>
        <translation>Behebung an %1 gesendet (Versuch %2)</translation>
    </message>
    <message>
        <source>Remediation succeeded: %1: %2</source>
        <translation>Behebung erfolgreich: %1: %2</translation>
    </message>
    <message>
        <source>Remediation failed: %1: %2</source>
        <translation>Behebung fehlgeschlagen: %1: %2</translation>
    </message>
    <message>
        <source>Remediation failed: %1, dead-lettered after %2 receives</source>
        <translation>Behebung fehlgeschlagen: %1, nach %2 Empfängen in die Dead-Letter-Queue verschoben</translation>
    </message>
    <message>
        <source>Failed remediation retried (attempt %1)</source>
        <translation>Fehlgeschlagene Behebung wiederholt (Versuch %1)</translation>
    </message>
    <message>
        <source>Failed remediation dismissed</source>
        <translation>Fehlgeschlagene Behebung verworfen</translation>
    </message>
    <message>
        <source>Failed remediation dismissed: %1</source>
        <translation>Fehlgeschlagene Behebung verworfen: %1</translation>
    </message>
</context>
<context>
    <name>sitrep::sync::SyncStatus</name>
    <message numerus="yes">
        <source>not synced yet, %n change(s) waiting</source>
        <translation>
            <numerusform>noch nicht synchronisiert, %n Änderung wartet</numerusform>
            <numerusform>noch nicht synchronisiert, %n Änderungen warten</numerusform>
        </translation>
    </message>
    <message>
        <source>not synced yet</source>
        <translation>noch nicht synchronisiert</translation>
    </message>
    <message numerus="yes">
        <source>offline, %n change(s) waiting</source>
        <translation>
            <numerusform>offline, %n Änderung wartet</numerusform>
            <numerusform>offline, %n Änderungen warten</numerusform>
        </translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message numerus="yes">
        <source>syncing, %n change(s) waiting</source>
        <translation>
            <numerusform>synchronisiert, %n Änderung wartet</numerusform>
            <numerusform>synchronisiert, %n Änderungen warten</numerusform>
        </translation>
    </message>
    <message>
        <source>in sync</source>
        <translation>synchron</translation>
    </message>
    <message numerus="yes">
        <source>, %n change(s) refused by the back end</source>
        <translation>
            <numerusform>, %n Änderung vom Backend abgelehnt</numerusform>
            <numerusform>, %n Änderungen vom Backend abgelehnt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>token refused, %n change(s) waiting</source>
        <translation>
            <numerusform>Token abgelehnt, %n Änderung wartet</numerusform>
            <numerusform>Token abgelehnt, %n Änderungen warten</numerusform>
        </translation>
    </message>
    <message>
        <source>token refused</source>
        <translation>Token abgelehnt</translation>
    </message>
</context>
<context>
    <name>sitrep::sync::aws::AwsServices</name>
    <message>
        <source>alerts: stopped</source>
        <translation>Alarme: angehalten</translation>
    </message>
    <message numerus="yes">
        <source>alerts: listening, %n ingested</source>
        <translation>
            <numerusform>Alarme: empfangsbereit, %n übernommen</numerusform>
            <numerusform>Alarme: empfangsbereit, %n übernommen</numerusform>
        </translation>
    </message>
    <message>
        <source>notifications: stopped</source>
        <translation>Benachrichtigungen: angehalten</translation>
    </message>
    <message>
        <source>notifications: %1 sent, %2 waiting</source>
        <translation>Benachrichtigungen: %1 gesendet, %2 wartend</translation>
    </message>
    <message>
        <source>, %1 failed</source>
        <translation>, %1 fehlgeschlagen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::ActionItemsView</name>
    <message>
        <source>Open only</source>
        <translation>Nur offene</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation>Als erledigt markieren</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Wieder öffnen</translation>
    </message>
    <message>
        <source>Open incident</source>
        <translation>Störung öffnen</translation>
    </message>
    <message>
        <source>%1 action items · %2 overdue</source>
        <translation>%1 Maßnahmen · %2 überfällig</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::AwsStatusLabel</name>
    <message>
        <source>AWS: %1</source>
        <translation>AWS: %1</translation>
    </message>
    <message>
        <source>%1
Click for AWS and notification settings</source>
        <translation>%1
Klicken für AWS- und Benachrichtigungseinstellungen</translation>
    </message>
    <message>
        <source>%1
Last error: %2
Click for AWS and notification settings</source>
        <translation>%1
Letzter Fehler: %2
Klicken für AWS- und Benachrichtigungseinstellungen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>Befehlspalette</translation>
    </message>
    <message>
        <source>Find an action or an incident</source>
        <translation>Aktion oder Störung suchen</translation>
    </message>
    <message>
        <source>Type an action, an incident number or words of a title</source>
        <translation>Aktion, Störungsnummer oder Wörter aus dem Titel eingeben</translation>
    </message>
    <message>
        <source>Matches</source>
        <translation>Treffer</translation>
    </message>
    <message>
        <source>no severity</source>
        <translation>ohne Schweregrad</translation>
    </message>
    <message>
        <source>Open %1  %2  ·  %3  ·  %4</source>
        <translation>%1 öffnen  %2  ·  %3  ·  %4</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::ConflictPanel</name>
    <message>
        <source>Sync conflict</source>
        <translation>Synchronisierungskonflikt</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss the conflict without changing the state</source>
        <translation>Konflikt schließen, ohne den Zustand zu ändern</translation>
    </message>
    <message>
        <source>still &apos;%1&apos;, as it was opened</source>
        <translation>weiterhin „%1“, wie beim Öffnen</translation>
    </message>
    <message>
        <source>%1 moved it from &apos;%2&apos; to &apos;%3&apos; at %4</source>
        <translation>%1 hat sie um %4 von „%2“ nach „%3“ verschoben</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sync conflict (1 of %1):&lt;/b&gt; two people moved this incident at the same time. Pick the state it should be in.</source>
        <translation>&lt;b&gt;Synchronisierungskonflikt (1 von %1):&lt;/b&gt; Zwei Personen haben diese Störung gleichzeitig verschoben. Wählen Sie den richtigen Zustand.</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sync conflict:&lt;/b&gt; two people moved this incident at the same time. Pick the state it should be in.</source>
        <translation>&lt;b&gt;Synchronisierungskonflikt:&lt;/b&gt; Zwei Personen haben diese Störung gleichzeitig verschoben. Wählen Sie den richtigen Zustand.</translation>
    </message>
    <message>
        <source>Applied: %1</source>
        <translation>Übernommen: %1</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht übernommen: %1</translation>
    </message>
    <message>
        <source>Keep &apos;%1&apos;</source>
        <translation>„%1“ beibehalten</translation>
    </message>
    <message>
        <source>Keep the applied transition: &apos;%1&apos;</source>
        <translation>Übernommenen Übergang beibehalten: „%1“</translation>
    </message>
    <message>
        <source>Use &apos;%1&apos;</source>
        <translation>„%1“ verwenden</translation>
    </message>
    <message>
        <source>Use the transition that was not applied: &apos;%1&apos;</source>
        <translation>Nicht übernommenen Übergang verwenden: „%1“</translation>
    </message>
    <message>
        <source>The workflow has no transition from &apos;%1&apos; to &apos;%2&apos;</source>
        <translation>Der Workflow hat keinen Übergang von „%1“ nach „%2“</translation>
    </message>
    <message>
        <source>%1 dismissed it at %2</source>
        <translation>%1 hat ihn um %2 geschlossen</translation>
    </message>
    <message>
        <source>%1 chose &apos;%2&apos; at %3</source>
        <translation>%1 hat um %3 „%2“ gewählt</translation>
    </message>
    <message>
        <source>&lt;b&gt;All %1 sync conflicts resolved.&lt;/b&gt; Last: %2</source>
        <translation>&lt;b&gt;Alle %1 Synchronisierungskonflikte gelöst.&lt;/b&gt; Zuletzt: %2</translation>
    </message>
    <message>
        <source>&lt;b&gt;Sync conflict resolved:&lt;/b&gt; %1</source>
        <translation>&lt;b&gt;Synchronisierungskonflikt gelöst:&lt;/b&gt; %1</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::CreateIncidentDialog</name>
    <message>
        <source>New incident</source>
        <translation>Neue Störung</translation>
    </message>
    <message>
        <source>Create incident</source>
        <translation>Störung anlegen</translation>
    </message>
    <message>
        <source>A title is required.</source>
        <translation>Ein Titel ist erforderlich.</translation>
    </message>
    <message>
        <source>Choose a severity.</source>
        <translation>Bitte einen Schweregrad wählen.</translation>
    </message>
    <message>
        <source>Choose an urgency too: priority comes from impact × urgency.</source>
        <translation>Bitte auch eine Dringlichkeit wählen: Die Priorität ergibt sich aus Auswirkung × Dringlichkeit.</translation>
    </message>
    <message>
        <source>Choose an impact too: priority comes from impact × urgency.</source>
        <translation>Bitte auch eine Auswirkung wählen: Die Priorität ergibt sich aus Auswirkung × Dringlichkeit.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a service name (letters, digits, . _ / -).</source>
        <translation>„%1“ ist kein Dienstname (Buchstaben, Ziffern, . _ / -).</translation>
    </message>
    <message>
        <source>Keep the title to %1 characters (%2 now).</source>
        <translation>Der Titel darf höchstens %1 Zeichen lang sein (jetzt %2).</translation>
    </message>
    <message>
        <source>The description is limited to %1 characters.</source>
        <translation>Die Beschreibung ist auf %1 Zeichen begrenzt.</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::DashboardView</name>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation>Letzte 90 Tage</translation>
    </message>
    <message>
        <source>Custom range</source>
        <translation>Eigener Zeitraum</translation>
    </message>
    <message>
        <source>All services</source>
        <translation>Alle Dienste</translation>
    </message>
    <message>
        <source>All groups</source>
        <translation>Alle Gruppen</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>CSV exportieren…</translation>
    </message>
    <message>
        <source>Export charts…</source>
        <translation>Diagramme exportieren…</translation>
    </message>
    <message>
        <source>Range:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>Dienst:</translation>
    </message>
    <message>
        <source>Group:</source>
        <translation>Gruppe:</translation>
    </message>
    <message>
        <source>Open SEV%1</source>
        <translation>Offene SEV%1</translation>
    </message>
    <message>
        <source>SLA breaching / at risk</source>
        <translation>SLA verletzt / gefährdet</translation>
    </message>
    <message>
        <source>Oldest unacknowledged</source>
        <translation>Älteste unbestätigte</translation>
    </message>
    <message>
        <source>Without commander</source>
        <translation>Ohne Einsatzleiter</translation>
    </message>
    <message>
        <source>Save chart as PNG…</source>
        <translation>Diagramm als PNG speichern…</translation>
    </message>
    <message>
        <source>Save chart</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <source>PNG images (*.png)</source>
        <translation>PNG-Bilder (*.png)</translation>
    </message>
    <message>
        <source>open now</source>
        <translation>jetzt offen</translation>
    </message>
    <message>
        <source>none open</source>
        <translation>keine offen</translation>
    </message>
    <message>
        <source>breaching / due within %1 min</source>
        <translation>verletzt / fällig in %1 Min.</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>every open incident is acknowledged</source>
        <translation>jede offene Störung ist bestätigt</translation>
    </message>
    <message>
        <source>of %1 open</source>
        <translation>von %1 offenen</translation>
    </message>
    <message>
        <source>%1 incidents created in range · MTTA %2 · MTTR %3 · response SLA %4 · updated %5</source>
        <translation>%1 Störungen im Zeitraum angelegt · MTTA %2 · MTTR %3 · Reaktions-SLA %4 · aktualisiert %5</translation>
    </message>
    <message>
        <source>Could not refresh the dashboard: %1 (showing the last numbers)</source>
        <translation>Dashboard konnte nicht aktualisiert werden: %1 (die letzten Zahlen werden angezeigt)</translation>
    </message>
    <message>
        <source>no numbers yet</source>
        <translation>noch keine Zahlen</translation>
    </message>
    <message>
        <source>cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>cannot write %1</source>
        <translation>%1 kann nicht geschrieben werden</translation>
    </message>
    <message>
        <source>Export metrics</source>
        <translation>Kennzahlen exportieren</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
    <message>
        <source>Metrics written to %1</source>
        <translation>Kennzahlen nach %1 geschrieben</translation>
    </message>
    <message>
        <source>Export charts to folder</source>
        <translation>Diagramme in einen Ordner exportieren</translation>
    </message>
    <message>
        <source>Charts written to %1</source>
        <translation>Diagramme nach %1 geschrieben</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::IncidentFieldsForm</name>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>What is broken, for whom (e.g. Checkout API returns 502 for EU users)</source>
        <translation>Was ist kaputt, für wen (z. B. Checkout-API liefert 502 für EU-Nutzer)</translation>
    </message>
    <message>
        <source>&amp;Title*:</source>
        <translation>&amp;Titel*:</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Symptoms, first signal, what has been tried</source>
        <translation>Symptome, erstes Signal, was schon versucht wurde</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen…</translation>
    </message>
    <message>
        <source>&amp;Severity*:</source>
        <translation>&amp;Schweregrad*:</translation>
    </message>
    <message>
        <source>Impact</source>
        <translation>Auswirkung</translation>
    </message>
    <message>
        <source>Not assessed</source>
        <translation>Nicht bewertet</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>Dringlichkeit</translation>
    </message>
    <message>
        <source>&amp;Impact:</source>
        <translation>Aus&amp;wirkung:</translation>
    </message>
    <message>
        <source>&amp;Urgency:</source>
        <translation>&amp;Dringlichkeit:</translation>
    </message>
    <message>
        <source>Resulting priority</source>
        <translation>Sich ergebende Priorität</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Priorität:</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>e.g. network, database, application</source>
        <translation>z. B. Netzwerk, Datenbank, Anwendung</translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation>&amp;Kategorie:</translation>
    </message>
    <message>
        <source>Su&amp;bcategory:</source>
        <translation>&amp;Unterkategorie:</translation>
    </message>
    <message>
        <source>Subcategory</source>
        <translation>Unterkategorie</translation>
    </message>
    <message>
        <source>Affected services</source>
        <translation>Betroffene Dienste</translation>
    </message>
    <message>
        <source>checkout-api, payments (comma separated)</source>
        <translation>checkout-api, payments (durch Kommas getrennt)</translation>
    </message>
    <message>
        <source>Affected se&amp;rvices:</source>
        <translation>Betroffene Dien&amp;ste:</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>empty: whoever is on call</source>
        <translation>leer: wer gerade Bereitschaft hat</translation>
    </message>
    <message>
        <source>&amp;Assignee:</source>
        <translation>B&amp;earbeiter:</translation>
    </message>
    <message>
        <source>Assignment group</source>
        <translation>Zuständige Gruppe</translation>
    </message>
    <message>
        <source>empty: routed by category and services</source>
        <translation>leer: nach Kategorie und Diensten zugeordnet</translation>
    </message>
    <message>
        <source>Assignment &amp;group:</source>
        <translation>Zuständige &amp;Gruppe:</translation>
    </message>
    <message>
        <source>Incident co&amp;mmander:</source>
        <translation>Einsatz&amp;leiter:</translation>
    </message>
    <message>
        <source>Incident commander</source>
        <translation>Einsatzleiter</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <source>Severity:</source>
        <translation>Schweregrad:</translation>
    </message>
    <message>
        <source>Impact:</source>
        <translation>Auswirkung:</translation>
    </message>
    <message>
        <source>Urgency:</source>
        <translation>Dringlichkeit:</translation>
    </message>
    <message>
        <source>Assignee:</source>
        <translation>Bearbeiter:</translation>
    </message>
    <message>
        <source>Group:</source>
        <translation>Gruppe:</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Kategorie:</translation>
    </message>
    <message>
        <source>Services:</source>
        <translation>Dienste:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Beschreibung:</translation>
    </message>
    <message>
        <source>Enter saves, Esc cancels</source>
        <translation>Eingabe speichert, Esc bricht ab</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>from impact × urgency</source>
        <translation>aus Auswirkung × Dringlichkeit</translation>
    </message>
    <message>
        <source>from severity</source>
        <translation>aus dem Schweregrad</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Priority: %1 (%2)</source>
        <translation>Priorität: %1 (%2)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::IncidentListView</name>
    <message>
        <source>Views:</source>
        <translation>Ansichten:</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Saved view %1</source>
        <translation>Gespeicherte Ansicht %1</translation>
    </message>
    <message>
        <source>Search titles, descriptions and notes (Ctrl+F)</source>
        <translation>Titel, Beschreibungen und Notizen durchsuchen (Strg+F)</translation>
    </message>
    <message>
        <source>Search incidents</source>
        <translation>Störungen durchsuchen</translation>
    </message>
    <message>
        <source>Filter by state</source>
        <translation>Nach Zustand filtern</translation>
    </message>
    <message>
        <source>Any state</source>
        <translation>Jeder Zustand</translation>
    </message>
    <message>
        <source>Filter by severity</source>
        <translation>Nach Schweregrad filtern</translation>
    </message>
    <message>
        <source>Any severity</source>
        <translation>Jeder Schweregrad</translation>
    </message>
    <message>
        <source>Filter by priority</source>
        <translation>Nach Priorität filtern</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>Jede Priorität</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Filter by affected service</source>
        <translation>Nach betroffenem Dienst filtern</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>Filter by assignee</source>
        <translation>Nach Bearbeiter filtern</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Störungen</translation>
    </message>
    <message>
        <source>%1 incidents</source>
        <translation>%1 Störungen</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Anwenden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::IncidentWorkspace</name>
    <message>
        <source>Incident sections</source>
        <translation>Bereiche der Störung</translation>
    </message>
    <message>
        <source>&amp;Timeline</source>
        <translation>&amp;Zeitleiste</translation>
    </message>
    <message>
        <source>&amp;Evidence</source>
        <translation>&amp;Belege</translation>
    </message>
    <message>
        <source>Ser&amp;vices</source>
        <translation>&amp;Dienste</translation>
    </message>
    <message>
        <source>&amp;Communication</source>
        <translation>&amp;Kommunikation</translation>
    </message>
    <message>
        <source>Action &amp;items</source>
        <translation>&amp;Maßnahmen</translation>
    </message>
    <message>
        <source>&amp;People</source>
        <translation>&amp;Personen</translation>
    </message>
    <message>
        <source>Severity shape</source>
        <translation>Symbol des Schweregrads</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>Verstrichen</translation>
    </message>
    <message>
        <source>Elapsed time</source>
        <translation>Verstrichene Zeit</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>SLA time left</source>
        <translation>Verbleibende SLA-Zeit</translation>
    </message>
    <message>
        <source>War-room reminders</source>
        <translation>Erinnerungen der Leitstelle</translation>
    </message>
    <message>
        <source>Move to:</source>
        <translation>Verschieben nach:</translation>
    </message>
    <message>
        <source>Approver&apos;s name</source>
        <translation>Name der genehmigenden Person</translation>
    </message>
    <message>
        <source>Approver</source>
        <translation>Genehmigt von</translation>
    </message>
    <message>
        <source>Record approval</source>
        <translation>Genehmigung erfassen</translation>
    </message>
    <message>
        <source>Resolution note</source>
        <translation>Lösungsnotiz</translation>
    </message>
    <message>
        <source>Root-cause category</source>
        <translation>Kategorie der Ursache</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Name the person who approves.</source>
        <translation>Bitte die genehmigende Person nennen.</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Filter timeline by kind</source>
        <translation>Zeitleiste nach Art filtern</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <source>Add a note to the timeline and press Enter (Ctrl+Shift+N)</source>
        <translation>Notiz zur Zeitleiste hinzufügen und Eingabe drücken (Strg+Umschalt+N)</translation>
    </message>
    <message>
        <source>New note</source>
        <translation>Neue Notiz</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz hinzufügen</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Belege</translation>
    </message>
    <message>
        <source>Select a screenshot to preview it</source>
        <translation>Bildschirmfoto auswählen, um es anzuzeigen</translation>
    </message>
    <message>
        <source>Evidence kind</source>
        <translation>Art des Belegs</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Evidence title</source>
        <translation>Titel des Belegs</translation>
    </message>
    <message>
        <source>https://grafana.example/d/...</source>
        <translation>https://grafana.example/d/...</translation>
    </message>
    <message>
        <source>Evidence link</source>
        <translation>Link zum Beleg</translation>
    </message>
    <message>
        <source>Add link</source>
        <translation>Link hinzufügen</translation>
    </message>
    <message>
        <source>Attach file…</source>
        <translation>Datei anhängen…</translation>
    </message>
    <message>
        <source>Attach evidence</source>
        <translation>Beleg anhängen</translation>
    </message>
    <message>
        <source>%1 (%2, %3 bytes)</source>
        <translation>%1 (%2, %3 Byte)</translation>
    </message>
    <message>
        <source>Affected services</source>
        <translation>Betroffene Dienste</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Firing alerts</source>
        <translation>Aktive Alarme</translation>
    </message>
    <message>
        <source>Set by</source>
        <translation>Gesetzt von</translation>
    </message>
    <message>
        <source>Override health of the selected service:</source>
        <translation>Zustand des ausgewählten Dienstes überschreiben:</translation>
    </message>
    <message>
        <source>Health override</source>
        <translation>Zustand überschreiben</translation>
    </message>
    <message>
        <source>Healthy</source>
        <translation>Gesund</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>Setzen</translation>
    </message>
    <message>
        <source>Select a service first.</source>
        <translation>Bitte zuerst einen Dienst auswählen.</translation>
    </message>
    <message>
        <source>Status updates</source>
        <translation>Statusmeldungen</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>Zielgruppe</translation>
    </message>
    <message>
        <source>Internal</source>
        <translation>Intern</translation>
    </message>
    <message>
        <source>External</source>
        <translation>Extern</translation>
    </message>
    <message>
        <source>What is happening, what we do next, when the next update comes</source>
        <translation>Was passiert, was wir als Nächstes tun, wann die nächste Meldung kommt</translation>
    </message>
    <message>
        <source>Status update message</source>
        <translation>Text der Statusmeldung</translation>
    </message>
    <message>
        <source>Post update</source>
        <translation>Meldung senden</translation>
    </message>
    <message>
        <source>Action items</source>
        <translation>Maßnahmen</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Verantwortlich</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
    <message>
        <source>Action item</source>
        <translation>Maßnahme</translation>
    </message>
    <message>
        <source>Action item title</source>
        <translation>Titel der Maßnahme</translation>
    </message>
    <message>
        <source>Action item owner</source>
        <translation>Verantwortlich für die Maßnahme</translation>
    </message>
    <message>
        <source>Due YYYY-MM-DD</source>
        <translation>Fällig JJJJ-MM-TT</translation>
    </message>
    <message>
        <source>Action item due date</source>
        <translation>Fälligkeitsdatum der Maßnahme</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Incident commander</source>
        <translation>Einsatzleiter</translation>
    </message>
    <message>
        <source>Set commander</source>
        <translation>Einsatzleiter festlegen</translation>
    </message>
    <message>
        <source>I take command</source>
        <translation>Ich übernehme die Leitung</translation>
    </message>
    <message>
        <source>Incident commander:</source>
        <translation>Einsatzleiter:</translation>
    </message>
    <message>
        <source>Responders</source>
        <translation>Beteiligte</translation>
    </message>
    <message>
        <source>Responders:</source>
        <translation>Beteiligte:</translation>
    </message>
    <message>
        <source>New responder</source>
        <translation>Neue beteiligte Person</translation>
    </message>
    <message>
        <source>Add responder</source>
        <translation>Beteiligte Person hinzufügen</translation>
    </message>
    <message>
        <source>Incident %1 is not in this database.</source>
        <translation>Die Störung %1 ist nicht in dieser Datenbank.</translation>
    </message>
    <message>
        <source>Severity %1</source>
        <translation>Schweregrad %1</translation>
    </message>
    <message>
        <source>no priority</source>
        <translation>keine Priorität</translation>
    </message>
    <message>
        <source>Commander: %1   Assignee: %2%3   Responders: %4</source>
        <translation>Einsatzleiter: %1   Bearbeiter: %2%3   Beteiligte: %4</translation>
    </message>
    <message>
        <source>— none —</source>
        <translation>— keine —</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>nicht zugewiesen</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Alle Ereignisse</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>gesund</translation>
    </message>
    <message>
        <source>alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Move to %1</source>
        <translation>Nach %1 verschieben</translation>
    </message>
    <message>
        <source>No transitions from here</source>
        <translation>Von hier aus keine Übergänge</translation>
    </message>
    <message>
        <source>missed</source>
        <translation>verfehlt</translation>
    </message>
    <message>
        <source>met</source>
        <translation>eingehalten</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>Response SLA</source>
        <translation>Reaktions-SLA</translation>
    </message>
    <message>
        <source>Resolution SLA</source>
        <translation>Lösungs-SLA</translation>
    </message>
    <message>
        <source>⏸ %1</source>
        <translation>⏸ %1</translation>
    </message>
    <message>
        <source>SLA breached</source>
        <translation>SLA verletzt</translation>
    </message>
    <message>
        <source>SLA at risk</source>
        <translation>SLA gefährdet</translation>
    </message>
    <message>
        <source>SLA on track</source>
        <translation>SLA im Plan</translation>
    </message>
    <message>
        <source>&amp;Runbook</source>
        <translation>&amp;Runbook</translation>
    </message>
    <message>
        <source>Post&amp;mortem</source>
        <translation>&amp;Nachbetrachtung</translation>
    </message>
    <message>
        <source>Pro&amp;blem</source>
        <translation>Probl&amp;em</translation>
    </message>
    <message>
        <source>Tri&amp;age</source>
        <translation>Tri&amp;age</translation>
    </message>
    <message>
        <source>Edit fields</source>
        <translation>Felder bearbeiten</translation>
    </message>
    <message>
        <source>Severity, impact and urgency, title, description, assignee, group, services, category (F2)</source>
        <translation>Schweregrad, Auswirkung und Dringlichkeit, Titel, Beschreibung, Bearbeiter, Gruppe, Dienste, Kategorie (F2)</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>Nichts geändert.</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Gespeichert.</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::MainWindow</name>
    <message>
        <source>Sitrep — %1</source>
        <translation>Sitrep — %1</translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation>Störungen</translation>
    </message>
    <message>
        <source>Sitrep</source>
        <translation>Sitrep</translation>
    </message>
    <message>
        <source>&amp;New incident…</source>
        <translation>&amp;Neue Störung…</translation>
    </message>
    <message>
        <source>Command &amp;palette…</source>
        <translation>&amp;Befehlspalette…</translation>
    </message>
    <message>
        <source>&amp;Search incidents</source>
        <translation>Störungen &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation>Be&amp;stätigen</translation>
    </message>
    <message>
        <source>Add &amp;note</source>
        <translation>N&amp;otiz hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Transition…</source>
        <translation>&amp;Übergang…</translation>
    </message>
    <message>
        <source>&amp;Open selected incident</source>
        <translation>Ausgewählte Störung ö&amp;ffnen</translation>
    </message>
    <message>
        <source>&amp;Close incident tab</source>
        <translation>Störungs-Reiter s&amp;chließen</translation>
    </message>
    <message>
        <source>Show incident &amp;list</source>
        <translation>Störungs&amp;liste anzeigen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>My incidents</source>
        <translation>Meine Störungen</translation>
    </message>
    <message>
        <source>P1 open</source>
        <translation>P1 offen</translation>
    </message>
    <message>
        <source>Breaching SLA</source>
        <translation>SLA wird verletzt</translation>
    </message>
    <message>
        <source>Resolved this week</source>
        <translation>Diese Woche gelöst</translation>
    </message>
    <message>
        <source>All incidents</source>
        <translation>Alle Störungen</translation>
    </message>
    <message>
        <source>View: %1</source>
        <translation>Ansicht: %1</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation>&amp;Störung</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>No incident %1</source>
        <translation>Keine Störung %1</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>%1 angelegt</translation>
    </message>
    <message>
        <source>Move %1 to %2</source>
        <translation>%1 nach %2 verschieben</translation>
    </message>
    <message>
        <source>New P1: %1</source>
        <translation>Neue P1: %1</translation>
    </message>
    <message>
        <source>SLA breached: %1</source>
        <translation>SLA verletzt: %1</translation>
    </message>
    <message>
        <source>%1 · you are %2</source>
        <translation>%1 · Sie sind %2</translation>
    </message>
    <message>
        <source> · last change %1</source>
        <translation> · letzte Änderung %1</translation>
    </message>
    <message>
        <source>Action &amp;items (all incidents)</source>
        <translation>&amp;Maßnahmen (alle Störungen)</translation>
    </message>
    <message>
        <source>Action items</source>
        <translation>Maßnahmen</translation>
    </message>
    <message>
        <source>Reminder: %1</source>
        <translation>Erinnerung: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n war-room reminder(s)</source>
        <translation>
            <numerusform>%n Erinnerung der Leitstelle</numerusform>
            <numerusform>%n Erinnerungen der Leitstelle</numerusform>
        </translation>
    </message>
    <message>
        <source>No commander, no status update or postmortem due: %1</source>
        <translation>Kein Einsatzleiter, keine Statusmeldung oder Nachbetrachtung fällig: %1</translation>
    </message>
    <message>
        <source>&amp;Problems and known errors</source>
        <translation>&amp;Probleme und bekannte Fehler</translation>
    </message>
    <message>
        <source>&amp;Knowledge base</source>
        <translation>W&amp;issensdatenbank</translation>
    </message>
    <message>
        <source>Auto-&amp;remediation</source>
        <translation>Automatische &amp;Behebung</translation>
    </message>
    <message>
        <source>Remediation</source>
        <translation>Behebung</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Acknowledged</source>
        <translation>Bestätigt</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Notiz:</translation>
    </message>
    <message>
        <source>Select an incident in the list first, or open one.</source>
        <translation>Zuerst eine Störung in der Liste auswählen oder eine öffnen.</translation>
    </message>
    <message>
        <source>Select an incident in the list first.</source>
        <translation>Zuerst eine Störung in der Liste auswählen.</translation>
    </message>
    <message>
        <source>&amp;Edit fields…</source>
        <translation>Felder &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Select one incident to edit its fields.</source>
        <translation>Eine einzelne Störung auswählen, um ihre Felder zu bearbeiten.</translation>
    </message>
    <message>
        <source>Set &amp;severity</source>
        <translation>&amp;Schweregrad setzen</translation>
    </message>
    <message>
        <source>Set severity: %1</source>
        <translation>Schweregrad setzen: %1</translation>
    </message>
    <message>
        <source>Severity %1 set on</source>
        <translation>Schweregrad %1 gesetzt für</translation>
    </message>
    <message>
        <source>Set i&amp;mpact</source>
        <translation>Aus&amp;wirkung setzen</translation>
    </message>
    <message>
        <source>Set impact: %1</source>
        <translation>Auswirkung setzen: %1</translation>
    </message>
    <message>
        <source>Impact %1 set on</source>
        <translation>Auswirkung %1 gesetzt für</translation>
    </message>
    <message>
        <source>Set &amp;urgency</source>
        <translation>&amp;Dringlichkeit setzen</translation>
    </message>
    <message>
        <source>Set urgency: %1</source>
        <translation>Dringlichkeit setzen: %1</translation>
    </message>
    <message>
        <source>Urgency %1 set on</source>
        <translation>Dringlichkeit %1 gesetzt für</translation>
    </message>
    <message>
        <source>Assi&amp;gn…</source>
        <translation>&amp;Zuweisen…</translation>
    </message>
    <message>
        <source>Assign to:</source>
        <translation>Zuweisen an:</translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation>&amp;Mir zuweisen</translation>
    </message>
    <message>
        <source>Assigned to %1:</source>
        <translation>%1 zugewiesen:</translation>
    </message>
    <message>
        <source>Assign to g&amp;roup</source>
        <translation>&amp;Gruppe zuweisen</translation>
    </message>
    <message>
        <source>Assign to group: %1 (on call)</source>
        <translation>Gruppe zuweisen: %1 (Rufbereitschaft)</translation>
    </message>
    <message>
        <source>Edit &amp;title…</source>
        <translation>&amp;Titel bearbeiten…</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>Titel:</translation>
    </message>
    <message>
        <source>Edit &amp;description…</source>
        <translation>&amp;Beschreibung bearbeiten…</translation>
    </message>
    <message>
        <source>Select one incident to edit its description.</source>
        <translation>Eine einzelne Störung auswählen, um ihre Beschreibung zu bearbeiten.</translation>
    </message>
    <message>
        <source>Set affected ser&amp;vices…</source>
        <translation>Betroffene &amp;Dienste setzen…</translation>
    </message>
    <message>
        <source>Affected services:</source>
        <translation>Betroffene Dienste:</translation>
    </message>
    <message>
        <source>Set &amp;category…</source>
        <translation>&amp;Kategorie setzen…</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Kategorie:</translation>
    </message>
    <message>
        <source>%1 incidents are selected; one action takes at most %2.</source>
        <translation>%1 Störungen sind ausgewählt; eine Aktion nimmt höchstens %2.</translation>
    </message>
    <message>
        <source>Nothing to act on: select incidents in the list, or open one.</source>
        <translation>Nichts zu tun: Störungen in der Liste auswählen oder eine öffnen.</translation>
    </message>
    <message>
        <source>Select one incident to edit its title.</source>
        <translation>Eine einzelne Störung auswählen, um ihren Titel zu bearbeiten.</translation>
    </message>
    <message numerus="yes">
        <source>%n selected · %1</source>
        <translation>
            <numerusform>%n ausgewählt · %1</numerusform>
            <numerusform>%n ausgewählt · %1</numerusform>
        </translation>
    </message>
    <message>
        <source>Note added to</source>
        <translation>Notiz hinzugefügt zu</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message numerus="yes">
        <source>Move %n selected to %1</source>
        <translation>
            <numerusform>%n ausgewählte nach %1 verschieben</numerusform>
            <numerusform>%n ausgewählte nach %1 verschieben</numerusform>
        </translation>
    </message>
    <message>
        <source>Moved to %1:</source>
        <translation>Nach %1 verschoben:</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::MessageBar</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::MetricsCharts</name>
    <message>
        <source>MTTR by severity</source>
        <translation>MTTR nach Schweregrad</translation>
    </message>
    <message>
        <source>MTTA per week</source>
        <translation>MTTA pro Woche</translation>
    </message>
    <message>
        <source>Incidents per week by severity</source>
        <translation>Störungen pro Woche nach Schweregrad</translation>
    </message>
    <message>
        <source>Response SLA compliance per week</source>
        <translation>Einhaltung des Reaktions-SLA pro Woche</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>incidents</source>
        <translation>Störungen</translation>
    </message>
    <message>
        <source>Response SLA met</source>
        <translation>Reaktions-SLA eingehalten</translation>
    </message>
    <message>
        <source>Resolution SLA met</source>
        <translation>Lösungs-SLA eingehalten</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::PostmortemEditor</name>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source>Draft → In review → Published. Each change is recorded in the incident timeline.</source>
        <translation>Entwurf → In Prüfung → Veröffentlicht. Jede Änderung wird in der Zeitleiste der Störung festgehalten.</translation>
    </message>
    <message>
        <source>Save version</source>
        <translation>Version speichern</translation>
    </message>
    <message>
        <source>Keep this text as a version you can restore (Ctrl+S)</source>
        <translation>Diesen Text als wiederherstellbare Version sichern (Strg+S)</translation>
    </message>
    <message>
        <source>Track action items</source>
        <translation>Maßnahmen verfolgen</translation>
    </message>
    <message>
        <source>Turn the Action Items section into tracked action items (owner, due, status)</source>
        <translation>Den Abschnitt „Action Items“ in verfolgte Maßnahmen umwandeln (Verantwortlich, Fälligkeit, Status)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Markdown…</source>
        <translation>Markdown…</translation>
    </message>
    <message>
        <source>HTML…</source>
        <translation>HTML…</translation>
    </message>
    <message>
        <source>PDF…</source>
        <translation>PDF…</translation>
    </message>
    <message>
        <source>Review meeting invitation (.ics)…</source>
        <translation>Einladung zur Auswertungsbesprechung (.ics)…</translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation>Markdown</translation>
    </message>
    <message>
        <source>Postmortem Markdown</source>
        <translation>Markdown der Nachbetrachtung</translation>
    </message>
    <message>
        <source>Postmortem preview</source>
        <translation>Vorschau der Nachbetrachtung</translation>
    </message>
    <message>
        <source>Versions</source>
        <translation>Versionen</translation>
    </message>
    <message>
        <source>Restore selected</source>
        <translation>Ausgewählte wiederherstellen</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message numerus="yes">
        <source>%n action item change(s) recorded</source>
        <translation>
            <numerusform>%n Änderung an Maßnahmen erfasst</numerusform>
            <numerusform>%n Änderungen an Maßnahmen erfasst</numerusform>
        </translation>
    </message>
    <message>
        <source>Postmortem %1 — %2 · owners: %3 · review: %4</source>
        <translation>Nachbetrachtung %1 — %2 · Verantwortliche: %3 · Prüfung: %4</translation>
    </message>
    <message>
        <source>Autosaved %1</source>
        <translation>Automatisch gespeichert %1</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Version %1</translation>
    </message>
    <message>
        <source>Autosave failed: %1</source>
        <translation>Automatisches Speichern fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Saved as version %1</source>
        <translation>Als Version %1 gespeichert</translation>
    </message>
    <message>
        <source>Postmortem is now %1 (version %2)</source>
        <translation>Nachbetrachtung ist jetzt %1 (Version %2)</translation>
    </message>
    <message>
        <source>Version %1 restored as version %2</source>
        <translation>Version %1 als Version %2 wiederhergestellt</translation>
    </message>
    <message>
        <source>v%1 · %2 · %3%4</source>
        <translation>v%1 · %2 · %3%4</translation>
    </message>
    <message>
        <source>%1 characters, status %2</source>
        <translation>%1 Zeichen, Status %2</translation>
    </message>
    <message>
        <source>The incident is gone</source>
        <translation>Die Störung existiert nicht mehr</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Invitation written to %1</source>
        <translation>Einladung nach %1 geschrieben</translation>
    </message>
    <message>
        <source>Unknown export format &apos;%1&apos; (md, html, pdf, ics)</source>
        <translation>Unbekanntes Exportformat „%1“ (md, html, pdf, ics)</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>Nach %1 exportiert</translation>
    </message>
    <message>
        <source>Export postmortem</source>
        <translation>Nachbetrachtung exportieren</translation>
    </message>
    <message>
        <source>No postmortem yet. The workflow drafts one when the incident is resolved.</source>
        <translation>Noch keine Nachbetrachtung. Der Workflow erstellt einen Entwurf, sobald die Störung gelöst ist.</translation>
    </message>
    <message>
        <source>Start the postmortem now</source>
        <translation>Nachbetrachtung jetzt beginnen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::ProblemSection</name>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Problems this incident is linked to</source>
        <translation>Mit dieser Störung verknüpfte Probleme</translation>
    </message>
    <message>
        <source>Problem to link</source>
        <translation>Zu verknüpfendes Problem</translation>
    </message>
    <message>
        <source>&amp;Link to problem</source>
        <translation>Mit Problem &amp;verknüpfen</translation>
    </message>
    <message>
        <source>U&amp;nlink</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>New problem from this incident</source>
        <translation>Neues Problem aus dieser Störung</translation>
    </message>
    <message>
        <source>Known errors</source>
        <translation>Bekannte Fehler</translation>
    </message>
    <message>
        <source>Known errors this incident is linked to</source>
        <translation>Mit dieser Störung verknüpfte bekannte Fehler</translation>
    </message>
    <message>
        <source>Known errors with matching symptoms:</source>
        <translation>Bekannte Fehler mit passenden Symptomen:</translation>
    </message>
    <message>
        <source>Suggested known errors</source>
        <translation>Vorgeschlagene bekannte Fehler</translation>
    </message>
    <message>
        <source>Link &amp;known error</source>
        <translation>Bekannten &amp;Fehler verknüpfen</translation>
    </message>
    <message>
        <source>&amp;Resolve with its workaround</source>
        <translation>Mit dem Workaround &amp;lösen</translation>
    </message>
    <message>
        <source>Not linked to a problem</source>
        <translation>Mit keinem Problem verknüpft</translation>
    </message>
    <message>
        <source>none known</source>
        <translation>keiner bekannt</translation>
    </message>
    <message>
        <source>No known error linked</source>
        <translation>Kein bekannter Fehler verknüpft</translation>
    </message>
    <message>
        <source>Workaround: %1</source>
        <translation>Workaround: %1</translation>
    </message>
    <message>
        <source>  ✔ linked</source>
        <translation>  ✔ verknüpft</translation>
    </message>
    <message>
        <source>No open problem to link to: start one with &quot;New problem from this incident&quot;.</source>
        <translation>Kein offenes Problem zum Verknüpfen: Legen Sie eines mit „Neues Problem aus dieser Störung“ an.</translation>
    </message>
    <message>
        <source>Linked to %1.</source>
        <translation>Mit %1 verknüpft.</translation>
    </message>
    <message>
        <source>Select the problem to unlink.</source>
        <translation>Bitte das zu trennende Problem auswählen.</translation>
    </message>
    <message>
        <source>Unlinked from %1.</source>
        <translation>Von %1 getrennt.</translation>
    </message>
    <message>
        <source>Created %1 and linked this incident.</source>
        <translation>%1 angelegt und mit dieser Störung verknüpft.</translation>
    </message>
    <message>
        <source>Select a known error first.</source>
        <translation>Bitte zuerst einen bekannten Fehler auswählen.</translation>
    </message>
    <message>
        <source>Linked to known error %1.</source>
        <translation>Mit bekanntem Fehler %1 verknüpft.</translation>
    </message>
    <message>
        <source>Resolved with known error %1.</source>
        <translation>Mit bekanntem Fehler %1 gelöst.</translation>
    </message>
    <message>
        <source>%1  %2 — workaround: %3</source>
        <translation>%1  %2 — Workaround: %3</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::ProblemsView</name>
    <message>
        <source>&amp;Problems and known errors</source>
        <translation>&amp;Probleme und bekannte Fehler</translation>
    </message>
    <message>
        <source>&amp;Knowledge base</source>
        <translation>&amp;Wissensdatenbank</translation>
    </message>
    <message>
        <source>New problem: what keeps going wrong?</source>
        <translation>Neues Problem: Was geht immer wieder schief?</translation>
    </message>
    <message>
        <source>New problem title</source>
        <translation>Titel des neuen Problems</translation>
    </message>
    <message>
        <source>Create problem</source>
        <translation>Problem anlegen</translation>
    </message>
    <message>
        <source>Open and known errors only</source>
        <translation>Nur offene und bekannte Fehler</translation>
    </message>
    <message>
        <source>Problems</source>
        <translation>Probleme</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Problem title</source>
        <translation>Titel des Problems</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Titel:</translation>
    </message>
    <message>
        <source>Problem status</source>
        <translation>Status des Problems</translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation>&amp;Status:</translation>
    </message>
    <message>
        <source>Problem owner</source>
        <translation>Verantwortlich für das Problem</translation>
    </message>
    <message>
        <source>&amp;Owner:</source>
        <translation>&amp;Verantwortlich:</translation>
    </message>
    <message>
        <source>Problem description</source>
        <translation>Beschreibung des Problems</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>Problem root cause</source>
        <translation>Grundursache des Problems</translation>
    </message>
    <message>
        <source>&amp;Root cause:</source>
        <translation>&amp;Grundursache:</translation>
    </message>
    <message>
        <source>Problem workaround</source>
        <translation>Workaround des Problems</translation>
    </message>
    <message>
        <source>&amp;Workaround:</source>
        <translation>&amp;Workaround:</translation>
    </message>
    <message>
        <source>Save problem</source>
        <translation>Problem speichern</translation>
    </message>
    <message>
        <source>Linked incidents</source>
        <translation>Verknüpfte Störungen</translation>
    </message>
    <message>
        <source>Incidents linked to the problem</source>
        <translation>Mit dem Problem verknüpfte Störungen</translation>
    </message>
    <message>
        <source>Incident number, e.g. INC0000042 or 42</source>
        <translation>Störungsnummer, z. B. INC0000042 oder 42</translation>
    </message>
    <message>
        <source>Incident to link</source>
        <translation>Zu verknüpfende Störung</translation>
    </message>
    <message>
        <source>&amp;Link</source>
        <translation>Ve&amp;rknüpfen</translation>
    </message>
    <message>
        <source>&amp;Unlink selected</source>
        <translation>Ausgewählte tre&amp;nnen</translation>
    </message>
    <message>
        <source>Open &amp;incident</source>
        <translation>Störung ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Known error</source>
        <translation>Bekannter Fehler</translation>
    </message>
    <message>
        <source>Known-error entry</source>
        <translation>Eintrag des bekannten Fehlers</translation>
    </message>
    <message>
        <source>&amp;Entry:</source>
        <translation>&amp;Eintrag:</translation>
    </message>
    <message>
        <source>Known-error title</source>
        <translation>Titel des bekannten Fehlers</translation>
    </message>
    <message>
        <source>Titl&amp;e:</source>
        <translation>Tite&amp;l:</translation>
    </message>
    <message>
        <source>Symptom</source>
        <translation>Symptom</translation>
    </message>
    <message>
        <source>S&amp;ymptom:</source>
        <translation>S&amp;ymptom:</translation>
    </message>
    <message>
        <source>Workaround</source>
        <translation>Workaround</translation>
    </message>
    <message>
        <source>Wor&amp;karound:</source>
        <translation>Wor&amp;karound:</translation>
    </message>
    <message>
        <source>Root cause</source>
        <translation>Grundursache</translation>
    </message>
    <message>
        <source>Root c&amp;ause:</source>
        <translation>Grund&amp;ursache:</translation>
    </message>
    <message>
        <source>Seen:</source>
        <translation>Gesehen:</translation>
    </message>
    <message>
        <source>Save known error</source>
        <translation>Bekannten Fehler speichern</translation>
    </message>
    <message>
        <source>Article kind</source>
        <translation>Artikelart</translation>
    </message>
    <message>
        <source>All articles</source>
        <translation>Alle Artikel</translation>
    </message>
    <message>
        <source>Known errors</source>
        <translation>Bekannte Fehler</translation>
    </message>
    <message>
        <source>Resolutions</source>
        <translation>Lösungen</translation>
    </message>
    <message>
        <source>Filter by words in title, text or tags</source>
        <translation>Nach Wörtern in Titel, Text oder Tags filtern</translation>
    </message>
    <message>
        <source>Filter articles</source>
        <translation>Artikel filtern</translation>
    </message>
    <message>
        <source>Knowledge-base articles</source>
        <translation>Artikel der Wissensdatenbank</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Artikel</translation>
    </message>
    <message>
        <source>No problems yet: name one above, then link the incidents it causes.</source>
        <translation>Noch keine Probleme: Oben eines benennen, dann die verursachten Störungen verknüpfen.</translation>
    </message>
    <message>
        <source>Select a problem</source>
        <translation>Problem auswählen</translation>
    </message>
    <message>
        <source>New known error for this problem…</source>
        <translation>Neuer bekannter Fehler für dieses Problem…</translation>
    </message>
    <message>
        <source>not saved yet</source>
        <translation>noch nicht gespeichert</translation>
    </message>
    <message>
        <source>Create known error</source>
        <translation>Bekannten Fehler anlegen</translation>
    </message>
    <message>
        <source>in no incident yet</source>
        <translation>noch in keiner Störung</translation>
    </message>
    <message numerus="yes">
        <source>in %n incident(s), last %1</source>
        <translation>
            <numerusform>in %n Störung, zuletzt %1</numerusform>
            <numerusform>in %n Störungen, zuletzt %1</numerusform>
        </translation>
    </message>
    <message>
        <source>A problem needs a title: type it in the box, then Create problem.</source>
        <translation>Ein Problem braucht einen Titel: Ins Feld eingeben, dann „Problem anlegen“.</translation>
    </message>
    <message>
        <source>Created %1.</source>
        <translation>%1 angelegt.</translation>
    </message>
    <message>
        <source>A problem needs a title.</source>
        <translation>Ein Problem braucht einen Titel.</translation>
    </message>
    <message>
        <source>Saved %1.</source>
        <translation>%1 gespeichert.</translation>
    </message>
    <message>
        <source>Type the number of the incident to link.</source>
        <translation>Bitte die Nummer der zu verknüpfenden Störung eingeben.</translation>
    </message>
    <message>
        <source>Linked %1 to %2.</source>
        <translation>%1 mit %2 verknüpft.</translation>
    </message>
    <message>
        <source>Select the incident to unlink.</source>
        <translation>Bitte die zu trennende Störung auswählen.</translation>
    </message>
    <message>
        <source>Unlinked %1 from %2.</source>
        <translation>%1 von %2 getrennt.</translation>
    </message>
    <message>
        <source>Saved known error %1; its knowledge-base article is updated.</source>
        <translation>Bekannter Fehler %1 gespeichert; sein Artikel in der Wissensdatenbank ist aktualisiert.</translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation>Lösung</translation>
    </message>
    <message>
        <source>No articles yet. Resolution notes and known errors become articles here.</source>
        <translation>Noch keine Artikel. Lösungsnotizen und bekannte Fehler werden hier zu Artikeln.</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::RefusalBanner</name>
    <message>
        <source>Changes refused by the back end</source>
        <translation>Vom Backend abgelehnte Änderungen</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) here were not shared. Latest: %1</source>
        <translation>
            <numerusform>%n Änderung hier wurde nicht geteilt. Zuletzt: %1</numerusform>
            <numerusform>%n Änderungen hier wurden nicht geteilt. Zuletzt: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>sitrep::ui::RemediationView</name>
    <message>
        <source>Maintenance and changes</source>
        <translation>Wartung und Changes</translation>
    </message>
    <message>
        <source>Awaiting approval</source>
        <translation>Warten auf Genehmigung</translation>
    </message>
    <message>
        <source>Failed remediations</source>
        <translation>Fehlgeschlagene Behebungen</translation>
    </message>
    <message>
        <source>Remediation rules cannot be loaded: %1</source>
        <translation>Behebungsregeln können nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Maintenance windows: no automatic remediation on the service while one is active</source>
        <translation>Wartungsfenster: Solange eines aktiv ist, keine automatische Behebung am Dienst</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>&amp;Add window</source>
        <translation>Fenster &amp;hinzufügen</translation>
    </message>
    <message>
        <source>&amp;End now</source>
        <translation>Jetzt &amp;beenden</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Changes: a change on the service in the last %1 minutes blocks automatic remediation</source>
        <translation>Changes: Ein Change am Dienst in den letzten %1 Minuten blockiert die automatische Behebung</translation>
    </message>
    <message>
        <source>Implemented</source>
        <translation>Umgesetzt</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>Referenz</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>CHG0001234</source>
        <translation>CHG0001234</translation>
    </message>
    <message>
        <source>what changed</source>
        <translation>was geändert wurde</translation>
    </message>
    <message>
        <source>Add &amp;change</source>
        <translation>&amp;Change erfassen</translation>
    </message>
    <message>
        <source>P1 remediations wait here for a person. Approving checks maintenance windows and recent changes again, then queues the action with your name on it.</source>
        <translation>P1-Behebungen warten hier auf eine Person. Beim Genehmigen werden Wartungsfenster und kürzliche Changes erneut geprüft, dann wird die Aktion unter Ihrem Namen eingereiht.</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Störung</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>Seit</translation>
    </message>
    <message>
        <source>Correlation id</source>
        <translation>Korrelations-ID</translation>
    </message>
    <message>
        <source>&amp;Approve as %1</source>
        <translation>Als %1 &amp;genehmigen</translation>
    </message>
    <message>
        <source>Remediations the executors gave up on (dead-letter queue) or that reported a failure. Retry queues a new attempt; dismiss closes it without running it again.</source>
        <translation>Behebungen, die die Ausführenden aufgegeben haben (Dead-Letter-Queue) oder die einen Fehler gemeldet haben. „Wiederholen“ reiht einen neuen Versuch ein; „Verwerfen“ schließt sie, ohne sie erneut auszuführen.</translation>
    </message>
    <message>
        <source>Attempt</source>
        <translation>Versuch</translation>
    </message>
    <message>
        <source>Failed at</source>
        <translation>Fehlgeschlagen um</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Warum</translation>
    </message>
    <message>
        <source>reason for dismissing (optional)</source>
        <translation>Grund für das Verwerfen (optional)</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>active</source>
        <translation>aktiv</translation>
    </message>
    <message>
        <source>planned</source>
        <translation>geplant</translation>
    </message>
    <message>
        <source>Awaiting approval (%1)</source>
        <translation>Warten auf Genehmigung (%1)</translation>
    </message>
    <message>
        <source>Failed remediations (%1)</source>
        <translation>Fehlgeschlagene Behebungen (%1)</translation>
    </message>
    <message>
        <source>Maintenance window on %1 added.</source>
        <translation>Wartungsfenster für %1 hinzugefügt.</translation>
    </message>
    <message>
        <source>Change on %1 recorded.</source>
        <translation>Change an %1 erfasst.</translation>
    </message>
    <message>
        <source>Select a maintenance window first.</source>
        <translation>Bitte zuerst ein Wartungsfenster auswählen.</translation>
    </message>
    <message>
        <source>Maintenance window ended.</source>
        <translation>Wartungsfenster beendet.</translation>
    </message>
    <message>
        <source>Maintenance window removed.</source>
        <translation>Wartungsfenster entfernt.</translation>
    </message>
    <message>
        <source>Select a change first.</source>
        <translation>Bitte zuerst einen Change auswählen.</translation>
    </message>
    <message>
        <source>Change removed.</source>
        <translation>Change entfernt.</translation>
    </message>
    <message>
        <source>Select a remediation first.</source>
        <translation>Bitte zuerst eine Behebung auswählen.</translation>
    </message>
    <message>
        <source>Remediation rules are not loaded.</source>
        <translation>Behebungsregeln sind nicht geladen.</translation>
    </message>
    <message>
        <source>%1 on %2 approved by %3 and queued.</source>
        <translation>%1 an %2 von %3 genehmigt und eingereiht.</translation>
    </message>
    <message>
        <source>Select a failed remediation first.</source>
        <translation>Bitte zuerst eine fehlgeschlagene Behebung auswählen.</translation>
    </message>
    <message>
        <source>%1 on %2 queued again (attempt %3).</source>
        <translation>%1 an %2 erneut eingereiht (Versuch %3).</translation>
    </message>
    <message>
        <source>%1 on %2 dismissed.</source>
        <translation>%1 an %2 verworfen.</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::RunbookChecklist</name>
    <message>
        <source>Runbook:</source>
        <translation>Runbook:</translation>
    </message>
    <message>
        <source>Runbook</source>
        <translation>Runbook</translation>
    </message>
    <message>
        <source>%1 (suggested)</source>
        <translation>%1 (vorgeschlagen)</translation>
    </message>
    <message>
        <source>No runbooks loaded</source>
        <translation>Keine Runbooks geladen</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 of %4 steps done&lt;br&gt;&lt;small&gt;Triggers: %5&lt;/small&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; · %2 · %3 von %4 Schritten erledigt&lt;br&gt;&lt;small&gt;Auslöser: %5&lt;/small&gt;</translation>
    </message>
    <message>
        <source>escalated to %1 at %2</source>
        <translation>um %2 an %1 eskaliert</translation>
    </message>
    <message>
        <source>%1 in %2 min (until %3)</source>
        <translation>%1 in %2 Min. (bis %3)</translation>
    </message>
    <message>
        <source>Escalation: %1</source>
        <translation>Eskalation: %1</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Copy the command to the clipboard</source>
        <translation>Befehl in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Option: %1</source>
        <translation>Option: %1</translation>
    </message>
    <message>
        <source>Link: %1</source>
        <translation>Link: %1</translation>
    </message>
    <message>
        <source>Copied: %1</source>
        <translation>Kopiert: %1</translation>
    </message>
    <message>
        <source>%1 due now</source>
        <translation>%1 jetzt fällig</translation>
    </message>
    <message>
        <source>No runbook matches this incident: choose one</source>
        <translation>Kein Runbook passt zu dieser Störung: eines auswählen</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::SyncHolder</name>
    <message>
        <source>AWS not started: %1</source>
        <translation>AWS nicht gestartet: %1</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::SyncSettingsDialog</name>
    <message>
        <source>&amp;Test connection</source>
        <translation>Verbindung &amp;testen</translation>
    </message>
    <message>
        <source>Back end</source>
        <translation>Backend</translation>
    </message>
    <message>
        <source>stored in the system keychain (type to replace)</source>
        <translation>im Schlüsselbund (zum Ersetzen eingeben)</translation>
    </message>
    <message>
        <source>bearer token, stored in the system keychain</source>
        <translation>Bearer-Token, im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>T&amp;oken:</source>
        <translation>T&amp;oken:</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Wird getestet…</translation>
    </message>
    <message>
        <source>Back end, AWS and notifications</source>
        <translation>Backend, AWS und Benachrichtigungen</translation>
    </message>
    <message>
        <source>REST back end</source>
        <translation>REST-Backend</translation>
    </message>
    <message>
        <source>empty: the region&apos;s AWS endpoints; https, or http on loopback</source>
        <translation>leer: AWS-Endpunkte der Region; https, oder http auf Loopback</translation>
    </message>
    <message>
        <source>profile in ~/.aws/credentials (default)</source>
        <translation>Profil in ~/.aws/credentials (default)</translation>
    </message>
    <message>
        <source>access key id (AKIA…), stored in the system keychain</source>
        <translation>Access-Key-ID (AKIA…), im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>secret access key, stored in the system keychain</source>
        <translation>Secret Access Key, im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>session token (temporary keys only)</source>
        <translation>Sitzungstoken (nur bei temporären Schlüsseln)</translation>
    </message>
    <message>
        <source>topic name or ARN, e.g. sitrep-sla-alerts</source>
        <translation>Topic-Name oder ARN, z. B. sitrep-sla-alerts</translation>
    </message>
    <message>
        <source>topic for external status updates</source>
        <translation>Topic für externe Statusmeldungen</translation>
    </message>
    <message>
        <source>AWS (SQS alerts, SNS topics)</source>
        <translation>AWS (SQS-Alarme, SNS-Topics)</translation>
    </message>
    <message>
        <source>&amp;Endpoint:</source>
        <translation>&amp;Endpunkt:</translation>
    </message>
    <message>
        <source>&amp;Region:</source>
        <translation>&amp;Region:</translation>
    </message>
    <message>
        <source>Access &amp;key:</source>
        <translation>Zugriffs&amp;schlüssel:</translation>
    </message>
    <message>
        <source>Session toke&amp;n:</source>
        <translation>Sitzungstoke&amp;n:</translation>
    </message>
    <message>
        <source>Credentials &amp;profile:</source>
        <translation>Anmelde&amp;profil:</translation>
    </message>
    <message>
        <source>Keys used: AWS_ACCESS_KEY_ID if set, else the keys stored here, else ~/.aws/credentials</source>
        <translation>Verwendete Schlüssel: AWS_ACCESS_KEY_ID, falls gesetzt, sonst die hier gespeicherten, sonst ~/.aws/credentials</translation>
    </message>
    <message>
        <source>Alert &amp;queue:</source>
        <translation>Alarm-&amp;Queue:</translation>
    </message>
    <message>
        <source>S&amp;LA topic:</source>
        <translation>S&amp;LA-Topic:</translation>
    </message>
    <message>
        <source>Status top&amp;ic:</source>
        <translation>Status-Top&amp;ic:</translation>
    </message>
    <message>
        <source>channels YAML file (optional)</source>
        <translation>YAML-Datei der Kanäle (optional)</translation>
    </message>
    <message>
        <source>bot token (xoxb-…), stored in the system keychain</source>
        <translation>Bot-Token (xoxb-…), im Schlüsselbund des Systems gespeichert</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Slack &amp;base URL:</source>
        <translation>Slack-&amp;Basis-URL:</translation>
    </message>
    <message>
        <source>Sl&amp;ack token:</source>
        <translation>Sl&amp;ack-Token:</translation>
    </message>
    <message>
        <source>&amp;Channels:</source>
        <translation>&amp;Kanäle:</translation>
    </message>
    <message>
        <source>Channels &amp;file:</source>
        <translation>Kanal&amp;datei:</translation>
    </message>
    <message>
        <source>Back end: </source>
        <translation>Backend: </translation>
    </message>
    <message>
        <source>Nothing to test yet: enter a back-end URL, an alert queue, a topic or a channel.</source>
        <translation>Noch nichts zu testen: Bitte eine Backend-URL, eine Alarm-Queue, ein Topic oder einen Kanal eingeben.</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::SyncStatusLabel</name>
    <message>
        <source>Sync: %1</source>
        <translation>Synchronisierung: %1</translation>
    </message>
    <message>
        <source>Click for back-end settings</source>
        <translation>Klicken für die Backend-Einstellungen</translation>
    </message>
    <message>
        <source>Last error: %1
Click for back-end settings</source>
        <translation>Letzter Fehler: %1
Klicken für die Backend-Einstellungen</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::TriagePanel</name>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Subcategory</source>
        <translation>Unterkategorie</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Assignment group</source>
        <translation>Zuständige Gruppe</translation>
    </message>
    <message>
        <source>&amp;Suggest again</source>
        <translation>Erneut &amp;vorschlagen</translation>
    </message>
    <message>
        <source>Classify this incident again with the newest model and record the suggestion</source>
        <translation>Diese Störung mit dem neuesten Modell erneut klassifizieren und den Vorschlag festhalten</translation>
    </message>
    <message>
        <source>Accept a&amp;ll</source>
        <translation>&amp;Alle übernehmen</translation>
    </message>
    <message>
        <source>Re&amp;ject all</source>
        <translation>Alle a&amp;blehnen</translation>
    </message>
    <message>
        <source>Suggested fields</source>
        <translation>Vorgeschlagene Felder</translation>
    </message>
    <message>
        <source>&lt;b&gt;Field&lt;/b&gt;</source>
        <translation>&lt;b&gt;Feld&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Suggestion&lt;/b&gt;</source>
        <translation>&lt;b&gt;Vorschlag&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Confidence&lt;/b&gt;</source>
        <translation>&lt;b&gt;Konfidenz&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Decision&lt;/b&gt;</source>
        <translation>&lt;b&gt;Entscheidung&lt;/b&gt;</translation>
    </message>
    <message>
        <source>&lt;b&gt;Correction&lt;/b&gt;</source>
        <translation>&lt;b&gt;Korrektur&lt;/b&gt;</translation>
    </message>
    <message>
        <source>%1 confidence</source>
        <translation>Konfidenz für %1</translation>
    </message>
    <message>
        <source>Right value (optional)</source>
        <translation>Richtiger Wert (optional)</translation>
    </message>
    <message>
        <source>Correct %1</source>
        <translation>%1 korrigieren</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Accept %1</source>
        <translation>%1 übernehmen</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Reject %1</source>
        <translation>%1 ablehnen</translation>
    </message>
    <message>
        <source>Suggested resolution</source>
        <translation>Vorgeschlagene Lösung</translation>
    </message>
    <message>
        <source>Knowledge-base articles</source>
        <translation>Artikel der Wissensdatenbank</translation>
    </message>
    <message>
        <source>Relevance</source>
        <translation>Relevanz</translation>
    </message>
    <message>
        <source>Article</source>
        <translation>Artikel</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Matching knowledge-base articles</source>
        <translation>Passende Artikel der Wissensdatenbank</translation>
    </message>
    <message>
        <source>Select an article to read it here.</source>
        <translation>Artikel auswählen, um ihn hier zu lesen.</translation>
    </message>
    <message>
        <source>Open &amp;file</source>
        <translation>Datei ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Suggested by &lt;b&gt;%1&lt;/b&gt; at %2</source>
        <translation>Vorgeschlagen von &lt;b&gt;%1&lt;/b&gt; um %2</translation>
    </message>
    <message>
        <source>No triage suggestion yet. New incidents get one automatically once a model is trained.</source>
        <translation>Noch kein Triage-Vorschlag. Neue Störungen erhalten automatisch einen, sobald ein Modell trainiert ist.</translation>
    </message>
    <message>
        <source>Suggested by &lt;b&gt;%1&lt;/b&gt; (not recorded)</source>
        <translation>Vorgeschlagen von &lt;b&gt;%1&lt;/b&gt; (nicht festgehalten)</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>✓ accepted</source>
        <translation>✓ übernommen</translation>
    </message>
    <message>
        <source>✗ rejected</source>
        <translation>✗ abgelehnt</translation>
    </message>
    <message>
        <source>No article says how to fix this yet.</source>
        <translation>Noch kein Artikel beschreibt, wie sich das beheben lässt.</translation>
    </message>
    <message>
        <source>Classifying…</source>
        <translation>Wird klassifiziert…</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::WallIncidentsPage</name>
    <message>
        <source>SEVERITY</source>
        <translation>SCHWERE</translation>
    </message>
    <message>
        <source>INCIDENT</source>
        <translation>STÖRUNG</translation>
    </message>
    <message>
        <source>ELAPSED</source>
        <translation>DAUER</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>COMMANDER</source>
        <translation>LEITUNG</translation>
    </message>
    <message>
        <source>UPDATE</source>
        <translation>MELDUNG</translation>
    </message>
    <message>
        <source>No active incidents</source>
        <translation>Keine aktiven Störungen</translation>
    </message>
    <message>
        <source>acked</source>
        <translation>bestätigt</translation>
    </message>
    <message>
        <source>not acked</source>
        <translation>nicht bestätigt</translation>
    </message>
    <message>
        <source>BREACHED</source>
        <translation>VERLETZT</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>pausiert</translation>
    </message>
    <message>
        <source>to resolve</source>
        <translation>bis Lösung</translation>
    </message>
    <message>
        <source>to respond</source>
        <translation>bis Reaktion</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>ago</source>
        <translation>seit Meldung</translation>
    </message>
    <message>
        <source>no update</source>
        <translation>keine Meldung</translation>
    </message>
    <message>
        <source>+ %1 more open incidents</source>
        <translation>+ %1 weitere offene Störungen</translation>
    </message>
    <message>
        <source>NONE</source>
        <translation>KEINE</translation>
    </message>
    <message>
        <source>P1, no update</source>
        <translation>P1 ohne Meldung</translation>
    </message>
</context>
<context>
    <name>sitrep::ui::WallWindow</name>
    <message>
        <source>Sitrep wall</source>
        <translation>Sitrep-Wandanzeige</translation>
    </message>
    <message>
        <source>the database does not answer</source>
        <translation>die Datenbank antwortet nicht</translation>
    </message>
    <message>
        <source>SITREP</source>
        <translation>SITREP</translation>
    </message>
    <message>
        <source>Active incidents</source>
        <translation>Aktive Störungen</translation>
    </message>
    <message>
        <source>MTTR</source>
        <translation>MTTR</translation>
    </message>
    <message>
        <source>MTTA</source>
        <translation>MTTA</translation>
    </message>
    <message>
        <source>Incidents per week</source>
        <translation>Störungen pro Woche</translation>
    </message>
    <message>
        <source>SLA compliance</source>
        <translation>SLA-Einhaltung</translation>
    </message>
    <message>
        <source>SLA breached</source>
        <translation>SLA verletzt</translation>
    </message>
    <message>
        <source>⚠  Data stale since %1 — %2. Retrying…</source>
        <translation>⚠  Daten veraltet seit %1 — %2. Neuer Versuch…</translation>
    </message>
</context>
</TS>
