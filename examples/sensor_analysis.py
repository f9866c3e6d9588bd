# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Sensor readings - anomaly check
#
# One week of temperature readings from the four sensors in hall B (every 10 min).
# Looking for spikes before the maintenance visit. Data is simulated here until the
# logger export is fixed.

# %%
# %matplotlib inline
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

plt.rcParams['figure.dpi'] = 60

# %%
SEED = 3
SENSORS = ['temp_a', 'temp_b', 'temp_c', 'temp_d']
FREQ = '10min'
WINDOW = 12          # 2 hours of readings
Z_LIMIT = 3.0

# %% [markdown]
# ## Simulate readings

# %%
rng = np.random.default_rng(SEED)
ts = pd.date_range('2024-03-04', periods=7 * 24 * 6, freq=FREQ)
hours = ts.hour + ts.minute / 60
daily = 2.5 * np.sin(2 * np.pi * (hours - 9) / 24)   # warmer in the afternoon

readings = pd.DataFrame(index=ts)
for i, name in enumerate(SENSORS):
    base = 20 + i * 0.8
    readings[name] = base + daily + rng.normal(0, 0.35, len(ts))

# a few spikes + a stuck sensor, like the real thing
spike_idx = rng.choice(len(ts), 6, replace=False)
readings.iloc[spike_idx, 0] += rng.choice([-1, 1], 6) * rng.uniform(3, 6, 6)
readings.iloc[400:430, 1] = readings.iloc[400, 1]
readings.iloc[rng.choice(len(ts), 10, replace=False), 2] = np.nan

readings.head()

# %%
print(readings.shape)
print(readings.isna().sum())

# %% [markdown]
# ## Rolling means + z-scores

# %%
rolling = readings.rolling(WINDOW, min_periods=3).mean()
resid = readings - rolling
z = (resid - resid.mean()) / resid.std()
anomalies = z.abs() > Z_LIMIT
anomalies.sum()

# %% [markdown]
# ## Per-sensor summary
#
# (copy of the same block for A and B, the other two looked fine)

# %%
s = 'temp_a'
x = readings[s].dropna()
flags = anomalies[s]
print(f'--- {s} ---')
print(f'mean {x.mean():.2f}  std {x.std():.2f}  min {x.min():.2f}  max {x.max():.2f}')
print(f'anomalies: {flags.sum()} ({flags.mean():.2%})')
print('worst readings:')
print(z[s].abs().sort_values(ascending=False).head(3).round(2))

# %%
sensor = 'temp_b'
vals = readings[sensor].dropna()
bad = anomalies[sensor]
print(f'--- {sensor} ---')
print(f'mean {vals.mean():.2f}  std {vals.std():.2f}  min {vals.min():.2f}  max {vals.max():.2f}')
print(f'anomalies: {bad.sum()} ({bad.mean():.2%})')
print('worst readings:')
print(z[sensor].abs().sort_values(ascending=False).head(3).round(2))

# %%
# temp_b flat-lines for ~5h -> z-score won't catch that, check runs of identical values
same = readings['temp_b'].diff().eq(0)
runs = same.groupby((~same).cumsum()).sum()
print('longest flat run (readings):', runs.max())

# %% [markdown]
# ## Daily overview

# %%
daily_stats = readings.resample('D').agg(['mean', 'max']).round(2)
daily_stats[['temp_a', 'temp_b']]

# %%
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot(readings.index, readings['temp_a'], lw=0.6, color='grey', label='temp_a')
ax.plot(rolling.index, rolling['temp_a'], lw=1, color='tab:blue', label='rolling mean')
hits = readings['temp_a'][anomalies['temp_a']]
ax.scatter(hits.index, hits.values, color='red', s=12, zorder=3, label='anomaly')
ax.set_title('temp_a')
ax.tick_params(axis='x', rotation=45)
ax.legend(fontsize=7)
plt.tight_layout()

# %% [markdown]
# TODO: ask facilities whether temp_b was unplugged on Wednesday.
