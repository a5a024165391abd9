// Where the machine runs (spec 13.2): physical, vm or container. Linux decides
// from files under the root; macOS and Windows from a tool's answer (their
// collectors run the tool). The decisions themselves are pure.
import type { Environment } from "./components.ts";
import { pathKind, readUnderRoot } from "./linux-files.ts";
import { findRootMount } from "./mountinfo.ts";
import { colonField, textLines } from "./parts.ts";

const CONTAINER_MARKERS = ["/.dockerenv", "/run/.containerenv"];
const CONTAINER_CGROUP = /docker|kubepods|containerd|lxc|libpod/;
const VM_VENDORS = [
  "QEMU",
  "VMware, Inc.",
  "Xen",
  "innotek GmbH",
  "Parallels Software International Inc.",
  "Amazon EC2",
  "Google",
  "DigitalOcean",
];
const WINDOWS_HYPERVISORS = /VMware|VirtualBox|QEMU|Xen|Virtual Machine|KVM/i;

function text(root: string, path: string): string {
  const read = readUnderRoot(root, path);
  return read.ok ? read.text : "";
}

/** The cgroup path of each `id:controllers:path` line of /proc/1/cgroup names a container runtime. */
export function cgroupNamesContainer(cgroup: string): boolean {
  return textLines(cgroup).some((line) => CONTAINER_CGROUP.test(line.split(":").slice(2).join(":")));
}

/** DMI's sys_vendor (and product_name, for Hyper-V) names a hypervisor. */
export function isVmVendor(sysVendor: string, productName: string): boolean {
  const vendor = sysVendor.trim();
  return VM_VENDORS.includes(vendor) || (vendor === "Microsoft Corporation" && productName.trim() === "Virtual Machine");
}

export function detectLinuxEnvironment(root: string): Environment {
  if (CONTAINER_MARKERS.some((path) => pathKind(root, path) !== "missing")) return "container";
  if (cgroupNamesContainer(text(root, "/proc/1/cgroup"))) return "container";
  if (findRootMount(text(root, "/proc/self/mountinfo"))?.fstype === "overlay") return "container";
  const flags = colonField(text(root, "/proc/cpuinfo"), "flags") ?? "";
  if (flags.split(/\s+/).includes("hypervisor")) return "vm";
  if (isVmVendor(text(root, "/sys/class/dmi/id/sys_vendor"), text(root, "/sys/class/dmi/id/product_name"))) return "vm";
  return "physical";
}

/** macOS: `sysctl -n kern.hv_vmm_present` printed 1 (a failed or absent sysctl is a physical Mac). */
export function darwinEnvironment(hvVmmPresent: string | null): Environment {
  return hvVmmPresent?.trim() === "1" ? "vm" : "physical";
}

/** Windows: Win32_ComputerSystem's Manufacturer or Model names a hypervisor. */
export function windowsEnvironment(manufacturer: string | null, model: string | null): Environment {
  return WINDOWS_HYPERVISORS.test(`${manufacturer ?? ""}\n${model ?? ""}`) ? "vm" : "physical";
}
