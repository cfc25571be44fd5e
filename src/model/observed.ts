/**
 * Live Dokploy state as the observer hands it to the planner. Read at the cost
 * Dokploy's API forces (`project.all`, one `project.one` per project in scope,
 * one `application.one` per managed application), nothing more.
 */
import type { ApplicationDetail, ApplicationStatus } from "../dokploy/types.ts";

export interface ObservedApplication {
  applicationId: string;
  name: string;
  description: string | null;
  appName: string;
  applicationStatus: ApplicationStatus;
  /** `application.one`, read only for applications that are ours or adoptable. */
  detail?: ApplicationDetail;
}

export interface ObservedEnvironment {
  environmentId: string;
  name: string;
  description: string | null;
  env: string;
  isDefault: boolean;
  applications: ObservedApplication[];
  /**
   * Compose services and databases in this environment. The tool manages none
   * of them, but deleting the environment or project would cascade to them, so
   * their presence blocks a prune.
   */
  otherServices: Array<{ kind: string; id: string; name: string }>;
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
}
