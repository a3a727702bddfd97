-- SPDX-License-Identifier: MIT
-- Dashboard rollups, so the dashboard reads a few hundred rows instead of walking every
-- incident of the range.
--
-- metrics_daily: per UTC day of creation x severity x assignment group x service ('' = all
-- incidents; otherwise one affected service), the sums the charts are made of. Everything
-- here is independent of "now": a response/resolution SLA that is still undecided with its
-- clock running is counted as *_pending; the dashboard turns it into missed once "now" passes
-- the deadline, by subtracting the pending incidents whose deadline is still ahead
-- (the *_pending partial indexes below).
-- metrics_open: the open incidents per severity x group x service, for the tiles.
--
-- Both are maintained by triggers on the projection, so every path that writes it (the
-- engine, a remote merge, a bulk load, a rebuild from the log) keeps them in the same
-- transaction. `sitrep verify` rebuilds them from the log and compares.
CREATE TABLE metrics_daily(
  service TEXT NOT NULL,
  day INTEGER NOT NULL,
  severity INTEGER NOT NULL,
  grp TEXT NOT NULL,
  incidents INTEGER NOT NULL,
  acknowledged INTEGER NOT NULL,
  ack_sum INTEGER NOT NULL,
  resolved INTEGER NOT NULL,
  resolve_sum INTEGER NOT NULL,
  response_met INTEGER NOT NULL,
  response_missed INTEGER NOT NULL,
  response_pending INTEGER NOT NULL,
  resolution_met INTEGER NOT NULL,
  resolution_missed INTEGER NOT NULL,
  resolution_pending INTEGER NOT NULL,
  PRIMARY KEY(service, day, severity, grp)
) WITHOUT ROWID;

CREATE TABLE metrics_open(
  service TEXT NOT NULL,
  severity INTEGER NOT NULL,
  grp TEXT NOT NULL,
  open INTEGER NOT NULL,
  without_commander INTEGER NOT NULL,
  unacknowledged INTEGER NOT NULL,
  breached_paused INTEGER NOT NULL,
  running_due INTEGER NOT NULL,
  PRIMARY KEY(service, severity, grp)
) WITHOUT ROWID;

-- Undecided SLAs with a running clock, by deadline: the ones not yet due are the few the
-- dashboard reads exactly. Same for the tiles' breaching / at-risk counts.
CREATE INDEX incidents_response_pending ON incidents(response_due, created_at, severity, assignment_group)
  WHERE response_due>0 AND acknowledged_at=0 AND resolved_at=0 AND sla_paused_since=0;
CREATE INDEX incidents_resolution_pending ON incidents(resolution_due, created_at, severity, assignment_group)
  WHERE resolution_due>0 AND resolved_at=0 AND sla_paused_since=0;
CREATE INDEX incidents_open_running_due ON incidents(sla_due, severity, assignment_group)
  WHERE is_open=1 AND sla_due>0 AND sla_paused_since=0;

CREATE TRIGGER metrics_incident_insert AFTER INSERT ON incidents BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT s.service, NEW.created_at/86400000, NEW.severity, NEW.assignment_group, (1), (NEW.acknowledged_at>0), (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at-NEW.created_at ELSE 0 END), (NEW.resolved_at>0), (CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at-NEW.created_at ELSE 0 END), (NEW.response_due>0 AND (NEW.acknowledged_at>0 OR NEW.resolved_at>0) AND (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)<=NEW.response_due), (NEW.response_due>0 AND CASE WHEN NEW.acknowledged_at>0 OR NEW.resolved_at>0 THEN (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)>NEW.response_due ELSE NEW.sla_paused_since>0 AND NEW.response_due<NEW.sla_paused_since END), (NEW.response_due>0 AND NEW.acknowledged_at=0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0), (NEW.resolution_due>0 AND NEW.resolved_at>0 AND NEW.resolved_at<=NEW.resolution_due), (NEW.resolution_due>0 AND CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at>NEW.resolution_due ELSE NEW.sla_paused_since>0 AND NEW.resolution_due<NEW.sla_paused_since END), (NEW.resolution_due>0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT s.service, NEW.severity, NEW.assignment_group, (1), (NEW.commander=''), (NEW.acknowledged_at=0), (NEW.sla_due>0 AND NEW.sla_paused_since>0 AND NEW.sla_due<=NEW.sla_paused_since), (NEW.sla_due>0 AND NEW.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1 AND NEW.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

CREATE TRIGGER metrics_incident_delete AFTER DELETE ON incidents BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT s.service, OLD.created_at/86400000, OLD.severity, OLD.assignment_group, -(1), -(OLD.acknowledged_at>0), -(CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at-OLD.created_at ELSE 0 END), -(OLD.resolved_at>0), -(CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at-OLD.created_at ELSE 0 END), -(OLD.response_due>0 AND (OLD.acknowledged_at>0 OR OLD.resolved_at>0) AND (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)<=OLD.response_due), -(OLD.response_due>0 AND CASE WHEN OLD.acknowledged_at>0 OR OLD.resolved_at>0 THEN (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)>OLD.response_due ELSE OLD.sla_paused_since>0 AND OLD.response_due<OLD.sla_paused_since END), -(OLD.response_due>0 AND OLD.acknowledged_at=0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0), -(OLD.resolution_due>0 AND OLD.resolved_at>0 AND OLD.resolved_at<=OLD.resolution_due), -(OLD.resolution_due>0 AND CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at>OLD.resolution_due ELSE OLD.sla_paused_since>0 AND OLD.resolution_due<OLD.sla_paused_since END), -(OLD.resolution_due>0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=OLD.id AND service<>'') s WHERE 1
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT s.service, OLD.severity, OLD.assignment_group, -(1), -(OLD.commander=''), -(OLD.acknowledged_at=0), -(OLD.sla_due>0 AND OLD.sla_paused_since>0 AND OLD.sla_due<=OLD.sla_paused_since), -(OLD.sla_due>0 AND OLD.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=OLD.id AND service<>'') s WHERE 1 AND OLD.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

-- An incident that moves to another day/severity/group leaves its old rows and joins the new ones.
CREATE TRIGGER metrics_incident_moved AFTER UPDATE ON incidents WHEN
  (OLD.created_at/86400000 IS NOT NEW.created_at/86400000 OR OLD.severity IS NOT NEW.severity OR OLD.assignment_group IS NOT NEW.assignment_group OR OLD.id IS NOT NEW.id)
BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT s.service, OLD.created_at/86400000, OLD.severity, OLD.assignment_group, -(1), -(OLD.acknowledged_at>0), -(CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at-OLD.created_at ELSE 0 END), -(OLD.resolved_at>0), -(CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at-OLD.created_at ELSE 0 END), -(OLD.response_due>0 AND (OLD.acknowledged_at>0 OR OLD.resolved_at>0) AND (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)<=OLD.response_due), -(OLD.response_due>0 AND CASE WHEN OLD.acknowledged_at>0 OR OLD.resolved_at>0 THEN (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)>OLD.response_due ELSE OLD.sla_paused_since>0 AND OLD.response_due<OLD.sla_paused_since END), -(OLD.response_due>0 AND OLD.acknowledged_at=0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0), -(OLD.resolution_due>0 AND OLD.resolved_at>0 AND OLD.resolved_at<=OLD.resolution_due), -(OLD.resolution_due>0 AND CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at>OLD.resolution_due ELSE OLD.sla_paused_since>0 AND OLD.resolution_due<OLD.sla_paused_since END), -(OLD.resolution_due>0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=OLD.id AND service<>'') s WHERE 1
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT s.service, OLD.severity, OLD.assignment_group, -(1), -(OLD.commander=''), -(OLD.acknowledged_at=0), -(OLD.sla_due>0 AND OLD.sla_paused_since>0 AND OLD.sla_due<=OLD.sla_paused_since), -(OLD.sla_due>0 AND OLD.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=OLD.id AND service<>'') s WHERE 1 AND OLD.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT s.service, NEW.created_at/86400000, NEW.severity, NEW.assignment_group, (1), (NEW.acknowledged_at>0), (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at-NEW.created_at ELSE 0 END), (NEW.resolved_at>0), (CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at-NEW.created_at ELSE 0 END), (NEW.response_due>0 AND (NEW.acknowledged_at>0 OR NEW.resolved_at>0) AND (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)<=NEW.response_due), (NEW.response_due>0 AND CASE WHEN NEW.acknowledged_at>0 OR NEW.resolved_at>0 THEN (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)>NEW.response_due ELSE NEW.sla_paused_since>0 AND NEW.response_due<NEW.sla_paused_since END), (NEW.response_due>0 AND NEW.acknowledged_at=0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0), (NEW.resolution_due>0 AND NEW.resolved_at>0 AND NEW.resolved_at<=NEW.resolution_due), (NEW.resolution_due>0 AND CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at>NEW.resolution_due ELSE NEW.sla_paused_since>0 AND NEW.resolution_due<NEW.sla_paused_since END), (NEW.resolution_due>0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT s.service, NEW.severity, NEW.assignment_group, (1), (NEW.commander=''), (NEW.acknowledged_at=0), (NEW.sla_due>0 AND NEW.sla_paused_since>0 AND NEW.sla_due<=NEW.sla_paused_since), (NEW.sla_due>0 AND NEW.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1 AND NEW.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

-- Same rows: add the difference.
CREATE TRIGGER metrics_incident_update AFTER UPDATE ON incidents WHEN
  NOT (OLD.created_at/86400000 IS NOT NEW.created_at/86400000 OR OLD.severity IS NOT NEW.severity OR OLD.assignment_group IS NOT NEW.assignment_group OR OLD.id IS NOT NEW.id) AND (OLD.created_at IS NOT NEW.created_at
  OR OLD.severity IS NOT NEW.severity
  OR OLD.assignment_group IS NOT NEW.assignment_group
  OR OLD.acknowledged_at IS NOT NEW.acknowledged_at
  OR OLD.resolved_at IS NOT NEW.resolved_at
  OR OLD.response_due IS NOT NEW.response_due
  OR OLD.resolution_due IS NOT NEW.resolution_due
  OR OLD.sla_paused_since IS NOT NEW.sla_paused_since
  OR OLD.is_open IS NOT NEW.is_open
  OR OLD.commander IS NOT NEW.commander
  OR OLD.sla_due IS NOT NEW.sla_due)
BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT s.service, NEW.created_at/86400000, NEW.severity, NEW.assignment_group, (1)-(1), (NEW.acknowledged_at>0)-(OLD.acknowledged_at>0), (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at-NEW.created_at ELSE 0 END)-(CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at-OLD.created_at ELSE 0 END), (NEW.resolved_at>0)-(OLD.resolved_at>0), (CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at-NEW.created_at ELSE 0 END)-(CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at-OLD.created_at ELSE 0 END), (NEW.response_due>0 AND (NEW.acknowledged_at>0 OR NEW.resolved_at>0) AND (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)<=NEW.response_due)-(OLD.response_due>0 AND (OLD.acknowledged_at>0 OR OLD.resolved_at>0) AND (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)<=OLD.response_due), (NEW.response_due>0 AND CASE WHEN NEW.acknowledged_at>0 OR NEW.resolved_at>0 THEN (CASE WHEN NEW.acknowledged_at>0 THEN NEW.acknowledged_at ELSE NEW.resolved_at END)>NEW.response_due ELSE NEW.sla_paused_since>0 AND NEW.response_due<NEW.sla_paused_since END)-(OLD.response_due>0 AND CASE WHEN OLD.acknowledged_at>0 OR OLD.resolved_at>0 THEN (CASE WHEN OLD.acknowledged_at>0 THEN OLD.acknowledged_at ELSE OLD.resolved_at END)>OLD.response_due ELSE OLD.sla_paused_since>0 AND OLD.response_due<OLD.sla_paused_since END), (NEW.response_due>0 AND NEW.acknowledged_at=0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0)-(OLD.response_due>0 AND OLD.acknowledged_at=0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0), (NEW.resolution_due>0 AND NEW.resolved_at>0 AND NEW.resolved_at<=NEW.resolution_due)-(OLD.resolution_due>0 AND OLD.resolved_at>0 AND OLD.resolved_at<=OLD.resolution_due), (NEW.resolution_due>0 AND CASE WHEN NEW.resolved_at>0 THEN NEW.resolved_at>NEW.resolution_due ELSE NEW.sla_paused_since>0 AND NEW.resolution_due<NEW.sla_paused_since END)-(OLD.resolution_due>0 AND CASE WHEN OLD.resolved_at>0 THEN OLD.resolved_at>OLD.resolution_due ELSE OLD.sla_paused_since>0 AND OLD.resolution_due<OLD.sla_paused_since END), (NEW.resolution_due>0 AND NEW.resolved_at=0 AND NEW.sla_paused_since=0)-(OLD.resolution_due>0 AND OLD.resolved_at=0 AND OLD.sla_paused_since=0)
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT s.service, NEW.severity, NEW.assignment_group, (NEW.is_open=1 AND (1))-(OLD.is_open=1 AND (1)), (NEW.is_open=1 AND (NEW.commander=''))-(OLD.is_open=1 AND (OLD.commander='')), (NEW.is_open=1 AND (NEW.acknowledged_at=0))-(OLD.is_open=1 AND (OLD.acknowledged_at=0)), (NEW.is_open=1 AND (NEW.sla_due>0 AND NEW.sla_paused_since>0 AND NEW.sla_due<=NEW.sla_paused_since))-(OLD.is_open=1 AND (OLD.sla_due>0 AND OLD.sla_paused_since>0 AND OLD.sla_due<=OLD.sla_paused_since)), (NEW.is_open=1 AND (NEW.sla_due>0 AND NEW.sla_paused_since=0))-(OLD.is_open=1 AND (OLD.sla_due>0 AND OLD.sla_paused_since=0))
    FROM (SELECT '' AS service UNION ALL SELECT service FROM incident_services WHERE incident=NEW.id AND service<>'') s WHERE 1 AND (OLD.is_open=1 OR NEW.is_open=1)
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

CREATE TRIGGER metrics_service_insert AFTER INSERT ON incident_services BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT NEW.service, i.created_at/86400000, i.severity, i.assignment_group, (1), (i.acknowledged_at>0), (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), (i.resolved_at>0), (CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), (i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), (i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), (i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), (i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), (i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), (i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=NEW.incident AND NEW.service<>''
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT NEW.service, i.severity, i.assignment_group, (1), (i.commander=''), (i.acknowledged_at=0), (i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), (i.sla_due>0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=NEW.incident AND NEW.service<>'' AND i.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

CREATE TRIGGER metrics_service_delete AFTER DELETE ON incident_services BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT OLD.service, i.created_at/86400000, i.severity, i.assignment_group, -(1), -(i.acknowledged_at>0), -(CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), -(i.resolved_at>0), -(CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), -(i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), -(i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), -(i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), -(i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), -(i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), -(i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=OLD.incident AND OLD.service<>''
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT OLD.service, i.severity, i.assignment_group, -(1), -(i.commander=''), -(i.acknowledged_at=0), -(i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), -(i.sla_due>0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=OLD.incident AND OLD.service<>'' AND i.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

CREATE TRIGGER metrics_service_update AFTER UPDATE ON incident_services BEGIN
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT OLD.service, i.created_at/86400000, i.severity, i.assignment_group, -(1), -(i.acknowledged_at>0), -(CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), -(i.resolved_at>0), -(CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), -(i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), -(i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), -(i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), -(i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), -(i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), -(i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=OLD.incident AND OLD.service<>''
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT OLD.service, i.severity, i.assignment_group, -(1), -(i.commander=''), -(i.acknowledged_at=0), -(i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), -(i.sla_due>0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=OLD.incident AND OLD.service<>'' AND i.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
  INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
    SELECT NEW.service, i.created_at/86400000, i.severity, i.assignment_group, (1), (i.acknowledged_at>0), (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), (i.resolved_at>0), (CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), (i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), (i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), (i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), (i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), (i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), (i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=NEW.incident AND NEW.service<>''
    ON CONFLICT(service, day, severity, grp) DO UPDATE SET incidents=incidents+excluded.incidents, acknowledged=acknowledged+excluded.acknowledged, ack_sum=ack_sum+excluded.ack_sum, resolved=resolved+excluded.resolved, resolve_sum=resolve_sum+excluded.resolve_sum, response_met=response_met+excluded.response_met, response_missed=response_missed+excluded.response_missed, response_pending=response_pending+excluded.response_pending, resolution_met=resolution_met+excluded.resolution_met, resolution_missed=resolution_missed+excluded.resolution_missed, resolution_pending=resolution_pending+excluded.resolution_pending;
  INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
    SELECT NEW.service, i.severity, i.assignment_group, (1), (i.commander=''), (i.acknowledged_at=0), (i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), (i.sla_due>0 AND i.sla_paused_since=0)
    FROM incidents i WHERE i.id=NEW.incident AND NEW.service<>'' AND i.is_open=1
    ON CONFLICT(service, severity, grp) DO UPDATE SET open=open+excluded.open, without_commander=without_commander+excluded.without_commander, unacknowledged=unacknowledged+excluded.unacknowledged, breached_paused=breached_paused+excluded.breached_paused, running_due=running_due+excluded.running_due;
END;

-- The rollups of what is already there.
INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
  SELECT '', i.created_at/86400000, i.severity, i.assignment_group, sum(1), sum(i.acknowledged_at>0), sum(CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), sum(i.resolved_at>0), sum(CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), sum(i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), sum(i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), sum(i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), sum(i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), sum(i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), sum(i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
  FROM incidents i WHERE 1 GROUP BY 1, 2, 3, 4;
INSERT INTO metrics_daily(service, day, severity, grp, incidents, acknowledged, ack_sum, resolved, resolve_sum, response_met, response_missed, response_pending, resolution_met, resolution_missed, resolution_pending)
  SELECT s.service, i.created_at/86400000, i.severity, i.assignment_group, sum(1), sum(i.acknowledged_at>0), sum(CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at-i.created_at ELSE 0 END), sum(i.resolved_at>0), sum(CASE WHEN i.resolved_at>0 THEN i.resolved_at-i.created_at ELSE 0 END), sum(i.response_due>0 AND (i.acknowledged_at>0 OR i.resolved_at>0) AND (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)<=i.response_due), sum(i.response_due>0 AND CASE WHEN i.acknowledged_at>0 OR i.resolved_at>0 THEN (CASE WHEN i.acknowledged_at>0 THEN i.acknowledged_at ELSE i.resolved_at END)>i.response_due ELSE i.sla_paused_since>0 AND i.response_due<i.sla_paused_since END), sum(i.response_due>0 AND i.acknowledged_at=0 AND i.resolved_at=0 AND i.sla_paused_since=0), sum(i.resolution_due>0 AND i.resolved_at>0 AND i.resolved_at<=i.resolution_due), sum(i.resolution_due>0 AND CASE WHEN i.resolved_at>0 THEN i.resolved_at>i.resolution_due ELSE i.sla_paused_since>0 AND i.resolution_due<i.sla_paused_since END), sum(i.resolution_due>0 AND i.resolved_at=0 AND i.sla_paused_since=0)
  FROM incident_services s JOIN incidents i ON i.id=s.incident WHERE s.service<>'' GROUP BY 1, 2, 3, 4;
INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
  SELECT '', i.severity, i.assignment_group, sum(1), sum(i.commander=''), sum(i.acknowledged_at=0), sum(i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), sum(i.sla_due>0 AND i.sla_paused_since=0)
  FROM incidents i WHERE i.is_open=1 GROUP BY 1, 2, 3;
INSERT INTO metrics_open(service, severity, grp, open, without_commander, unacknowledged, breached_paused, running_due)
  SELECT s.service, i.severity, i.assignment_group, sum(1), sum(i.commander=''), sum(i.acknowledged_at=0), sum(i.sla_due>0 AND i.sla_paused_since>0 AND i.sla_due<=i.sla_paused_since), sum(i.sla_due>0 AND i.sla_paused_since=0)
  FROM incident_services s JOIN incidents i ON i.id=s.incident WHERE s.service<>'' AND i.is_open=1 GROUP BY 1, 2, 3;
