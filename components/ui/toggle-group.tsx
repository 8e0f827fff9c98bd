import { cx } from "@/components/ui/cx";

/** A row of buttons of which one is pressed (aria-pressed), for small mutually exclusive choices. */
export function ToggleGroup<T extends string>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      className="inline-flex rounded-md shadow-xs ring-1 ring-zinc-300 ring-inset"
    >
      {options.map((option, index) => {
        const pressed = option.value === value;
        return (
          <button
            key={option.value}
            type="button"
            aria-pressed={pressed}
            onClick={() => onChange(option.value)}
            className={cx(
              "h-7 px-2.5 text-xs font-medium whitespace-nowrap transition-colors",
              "focus-visible:relative focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-emerald-700",
              index === 0 && "rounded-l-md",
              index === options.length - 1 && "rounded-r-md",
              index > 0 && "border-l border-zinc-300",
              pressed ? "bg-zinc-800 text-white" : "bg-white text-zinc-700 hover:bg-zinc-50",
            )}
          >
            {option.label}
          </button>
        );
      })}
    </div>
  );
}
