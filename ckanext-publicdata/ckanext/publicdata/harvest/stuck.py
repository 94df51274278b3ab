"""Stuck harvest jobs: detect Running jobs without progress, close them with a job error, or resume them.

A harvest job is *stuck* when it is Running and nothing happened to it for ``stuck_after_minutes`` (see
operations_config): no record gathered, fetched or imported. That is what a consumer killed with ``kill -9``, an
out-of-memory kill or a lost queue message leaves behind. ckanext-harvest's ``ckan.harvest.timeout`` closes such
jobs too, but only from ``ckan harvester run`` and only after the last *finished* object; it never re-queues.

- :func:`close_job` ends the job: status Finished, a bilingual job (gather) error naming how long it stalled and
  how many records were left unfinished, those records set to ERROR with an object error, and their queue
  messages and Redis in-flight markers removed, so a restarted consumer does not pick them up for a closed job.
  The next job of the source re-reads the source: the harvesters' content hash imports exactly what is missing.
- :func:`resume_job` continues the same job instead: when the gather had finished, the unfinished records go back
  on the fetch queue (an import is one transaction, so a record whose import was killed is redone from scratch);
  when the gather itself was interrupted, the partial records still waiting are dropped and the job goes back on
  the gather queue (records already imported come out "not modified" the second time).
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import logging
from typing import Any, Iterable, Optional

import sqlalchemy as sa

from ckan import model

from ckanext.harvest.model import HarvestGatherError, HarvestJob, HarvestObject, HarvestObjectError

from ckanext.publicdata.harvest.operations_config import stuck_after_minutes

log = logging.getLogger(__name__)

__all__ = ["StuckJob", "find_stuck_jobs", "last_progress", "close_job", "resume_job", "UNFINISHED_STATES"]

UNFINISHED_STATES = ("WAITING", "FETCH", "IMPORT")


@dataclasses.dataclass
class StuckJob:
    job_id: str
    source_id: str
    source_title: str
    created: datetime.datetime
    last_progress: datetime.datetime
    gather_finished: bool
    unfinished: int

    @property
    def idle_minutes(self) -> int:
        return int((datetime.datetime.utcnow() - self.last_progress).total_seconds() // 60)

    def as_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id, "source_id": self.source_id, "source_title": self.source_title,
            "created": self.created.isoformat(), "last_progress": self.last_progress.isoformat(),
            "idle_minutes": self.idle_minutes, "gather_finished": self.gather_finished,
            "unfinished_records": self.unfinished,
        }


def _object_progress_columns() -> list[Any]:
    return [sa.func.max(column) for column in (
        HarvestObject.gathered, HarvestObject.fetch_started, HarvestObject.fetch_finished,
        HarvestObject.import_started, HarvestObject.import_finished)]


def last_progress(job: HarvestJob) -> datetime.datetime:
    """The latest moment anything happened to ``job`` (created, gather start/end, any record's stage change)."""
    moments = [job.created, job.gather_started, job.gather_finished]
    moments += list(model.Session.query(*_object_progress_columns())
                    .filter(HarvestObject.harvest_job_id == job.id).one())
    return max(moment for moment in moments if moment is not None)


def _unfinished_count(job_id: str) -> int:
    return (model.Session.query(sa.func.count(HarvestObject.id))
            .filter(HarvestObject.harvest_job_id == job_id, HarvestObject.state.in_(UNFINISHED_STATES)).scalar() or 0)


def find_stuck_jobs(minutes: Optional[int] = None, source_id: Optional[str] = None,
                    now: Optional[datetime.datetime] = None) -> list[StuckJob]:
    """Running jobs (of one source, or all) without progress for ``minutes`` (default: the configured value)."""
    threshold = stuck_after_minutes() if minutes is None else minutes
    now = now or datetime.datetime.utcnow()
    query = model.Session.query(HarvestJob).filter(HarvestJob.status == "Running")
    if source_id:
        query = query.filter(HarvestJob.source_id == source_id)
    stuck = []
    for job in query.order_by(HarvestJob.created).all():
        progress = last_progress(job)
        if now - progress >= datetime.timedelta(minutes=threshold):
            stuck.append(StuckJob(
                job_id=job.id, source_id=job.source_id, source_title=(job.source.title or job.source.url) if job.source
                else job.source_id, created=job.created, last_progress=progress,
                gather_finished=job.gather_finished is not None, unfinished=_unfinished_count(job.id)))
    return stuck


# ------------------------------------------------------------------ the queues (Redis backend)

def _redis() -> Any:
    from ckanext.harvest import queue

    if (queue.config.get("ckan.harvest.mq.type") or queue.MQ_TYPE) != "redis":
        return None
    return queue.get_connection()


def _forget_queued(job_id: str, object_ids: Iterable[str]) -> None:
    """Remove the job's and the objects' queue messages and in-flight markers (Redis backend only)."""
    from ckanext.harvest import queue

    redis = _redis()
    if redis is None:
        return
    fetch_key = queue.get_fetch_routing_key()
    gather_key = queue.get_gather_routing_key()
    pipe = redis.pipeline()
    for object_id in object_ids:
        pipe.lrem(fetch_key, 0, json.dumps({"harvest_object_id": object_id}))
        pipe.delete(f"{fetch_key}:{object_id}")
    pipe.lrem(gather_key, 0, json.dumps({"harvest_job_id": job_id}))
    pipe.delete(f"{gather_key}:{job_id}")
    pipe.execute()


def _queued_object_ids() -> set[str]:
    from ckanext.harvest import queue

    redis = _redis()
    if redis is None:
        return set()
    return {json.loads(message).get("harvest_object_id", "")
            for message in redis.lrange(queue.get_fetch_routing_key(), 0, -1)}


# ------------------------------------------------------------------ closing and resuming

def _stalled_for(job: HarvestJob, now: datetime.datetime) -> int:
    return int((now - last_progress(job)).total_seconds() // 60)


def close_job(job_id: str, reason: Optional[str] = None) -> dict[str, Any]:
    """Close a Running job: Finished, a bilingual job error, its unfinished records set to ERROR."""
    job = HarvestJob.get(job_id)
    if job is None:
        raise LookupError(job_id)
    now = datetime.datetime.utcnow()
    minutes = _stalled_for(job, now)
    unfinished = (model.Session.query(HarvestObject)
                  .filter(HarvestObject.harvest_job_id == job.id, HarvestObject.state.in_(UNFINISHED_STATES)).all())
    object_message = (
        "采集任务停滞后被关闭，本记录未处理完，将由下一次采集重新处理 / The harvest job stalled and was closed before this "
        "record was processed; the next harvest job processes it again")
    for obj in unfinished:
        obj.state = "ERROR"
        obj.report_status = "errored"
        model.Session.add(HarvestObjectError(message=object_message, object=obj, stage="Fetch"))
    stage = "汇集" if job.gather_finished is None else "抓取/导入"
    stage_en = "gather" if job.gather_finished is None else "fetch/import"
    message = (
        f"采集任务 {minutes} 分钟没有进展（{stage}阶段），已关闭；{len(unfinished)} 条未处理完的记录由下一次采集重新处理"
        + (f"。原因：{reason}" if reason else "")
        + f" / The harvest job made no progress for {minutes} minutes (in the {stage_en} stage) and was closed; "
        f"its {len(unfinished)} unfinished records are processed again by the next harvest job"
        + (f". Reason: {reason}" if reason else ""))
    model.Session.add(HarvestGatherError(message=message, job=job))
    job.status = "Finished"
    job.finished = now
    if job.gather_finished is None:
        job.gather_finished = now
    model.Session.add(job)
    model.Session.commit()
    _forget_queued(job.id, [obj.id for obj in unfinished])
    log.warning("closed stuck harvest job %s (%s unfinished records)", job.id, len(unfinished))
    return {"job_id": job.id, "source_id": job.source_id, "action": "closed", "unfinished_records": len(unfinished),
            "message": message}


def resume_job(job_id: str) -> dict[str, Any]:
    """Put a stalled job's unfinished work back on the queues (see the module docstring)."""
    from ckanext.harvest import queue

    job = HarvestJob.get(job_id)
    if job is None:
        raise LookupError(job_id)
    if job.status != "Running":
        raise ValueError(f"采集任务 {job_id} 不在运行中，无法续跑 / Harvest job {job_id} is not running and cannot "
                         f"be resumed")
    if job.gather_finished is None:
        waiting = (model.Session.query(HarvestObject)
                   .filter(HarvestObject.harvest_job_id == job.id, HarvestObject.state == "WAITING").all())
        waiting_ids = [obj.id for obj in waiting]
        for obj in waiting:
            model.Session.delete(obj)
        job.gather_started = None
        model.Session.add(job)
        model.Session.commit()
        _forget_queued(job.id, waiting_ids)
        publisher = queue.get_gather_publisher()
        publisher.send({"harvest_job_id": job.id})
        publisher.close()
        log.warning("re-queued the gather of harvest job %s (%s partial records dropped)", job.id, len(waiting_ids))
        return {"job_id": job.id, "source_id": job.source_id, "action": "gather requeued",
                "unfinished_records": len(waiting_ids)}
    unfinished_ids = [row[0] for row in model.Session.query(HarvestObject.id).filter(
        HarvestObject.harvest_job_id == job.id, HarvestObject.state.in_(UNFINISHED_STATES)).all()]
    queued = _queued_object_ids()
    redis = _redis()
    publisher = queue.get_fetch_publisher()
    requeued = 0
    for object_id in unfinished_ids:
        if redis is not None:
            redis.delete(f"{queue.get_fetch_routing_key()}:{object_id}")
        if object_id not in queued:
            publisher.send({"harvest_object_id": object_id})
            requeued += 1
    publisher.close()
    log.warning("re-queued %s unfinished records of harvest job %s", requeued, job.id)
    return {"job_id": job.id, "source_id": job.source_id, "action": "fetch requeued", "unfinished_records": requeued}
