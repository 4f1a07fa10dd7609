import { useRef } from 'react';

/**
 * A ref that always holds the latest value: effects read callbacks through it without depending on their
 * identity (a new notifier or fetch client must not start a request again).
 */
export const useLatest = <T>(value: T) => {
  const ref = useRef(value);
  ref.current = value;
  return ref;
};
