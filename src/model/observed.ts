/**
 * Live Dokploy state as the observer hands it to the planner. Read at the cost
 * Dokploy's API forces (`project.all`, one `project.one` per project in scope,
 * one `application.one` per managed application), nothing more.
 */
import type { ApplicationDetail, ApplicationStatus } from "../dokploy/types.ts";
import type { ServiceDetail } from "../kinds/types.ts";
import type { Kind } from "./resource.ts";
import type { ChildField } from "./marker.ts";

export interface ObservedApplication {
  applicationId: string;
  name: string;
  description: string | null;
  appName: string;
  applicationStatus: ApplicationStatus;
  /** `application.one`, read only for applications that are ours or adoptable. */
  detail?: ApplicationDetail;
  /** Child lists read by a call of their own (schedules), when needed (see `ServiceDetail.children`). */
  children?: Partial<Record<ChildField, unknown[]>>;
}

export interface ObservedEnvironment {
  environmentId: string;
  name: string;
  description: string | null;
  env: string;
  isDefault: boolean;
  applications: ObservedApplication[];
  /**
   * Every other service in this environment (compose stacks, databases), by
   * kind. Those of a kind the tool manages are matched like applications;
   * the others (a kind with no module, e.g. a database before its kind
   * existed) only block a prune: deleting the environment or project would
   * cascade to them.
   */
  services: ObservedService[];
}

/** A service other than an application, as `project.one` lists it, with its `*.one` when read. */
export interface ObservedService {
  /** The manifest kind, or the `project.one` list name for a kind the tool does not manage. */
  kind: Kind | string;
  id: string;
  name: string;
  description: string | null;
  appName: string;
  status: string;
  /** Read only for services that are ours or adoptable. */
  detail?: ServiceDetail;
}

export interface ObservedProject {
  projectId: string;
  name: string;
  description: string | null;
  env: string;
  /** Empty unless `detailed`. */
  environments: ObservedEnvironment[];
  /** True when `project.one` was read (the project is in scope). */
  detailed: boolean;
}

export interface ObservedState {
  /** Every project `project.all` returned; only those in scope are `detailed`. */
  projects: ObservedProject[];
  /**
   * Ids of the services with a job waiting or running in Dokploy's build
   * queue (`deployment.queueList`), read only when a deploy this tool queued
   * has not visibly started or ended; absent when not read.
   */
  queue?: string[];
  /**
   * Dokploy's backup destinations (`destination.all`, without their keys),
   * read only when a manifest declares a backup; absent when not read.
   */
  destinations?: Array<{ destinationId: string; name: string }>;
}
