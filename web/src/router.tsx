// Client-side navigation: the History API and links that use it.
import type { MouseEvent, ReactNode } from "react";

export function navigate(to: string): void {
  history.pushState(null, "", to);
  dispatchEvent(new PopStateEvent("popstate"));
}

export function Link(props: { to: string; children: ReactNode; className?: string; "aria-current"?: "page" }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return <a href={props.to} onClick={onClick} className={props.className} aria-current={props["aria-current"]}>{props.children}</a>;
}
